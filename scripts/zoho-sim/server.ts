/**
 * Entry point: `node scripts/zoho-sim/server.ts`. Reads ZOHO_SIM_* (see README.md), listens on
 * ZOHO_SIM_PORT (default 58080) and closes gracefully on SIGINT/SIGTERM. Point the middleware at
 * it with ZOHO_ACCOUNTS_URL=http://127.0.0.1:58080 and ZOHO_API_URL=http://127.0.0.1:58080/books/v3.
 */
import closeWithGrace from "close-with-grace";
import { createZohoSimulator } from "./app.ts";
import { optionsFromEnv } from "./env.ts";

let options: ReturnType<typeof optionsFromEnv>;
try {
  options = optionsFromEnv(process.env);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

const sim = await createZohoSimulator(options);
const l = sim.state.limits;
console.log(
  JSON.stringify({
    msg: "zoho-sim listening",
    url: sim.url,
    accountsUrl: sim.url,
    apiUrl: `${sim.url}/books/v3`,
    organizations: sim.state.options.organizations.map((o) => o.organizationId),
    limits: `${l.perWindow}/${l.windowMs}ms (${l.windowMode}), daily ${l.dailyQuota}, in flight ${l.maxConcurrent}`,
  }),
);

closeWithGrace({ delay: 5000 }, async ({ err }) => {
  if (err) console.error(err);
  await sim.close();
});
