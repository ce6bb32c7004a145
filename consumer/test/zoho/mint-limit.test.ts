/**
 * Zoho's token limits as the fleet meets them: after the mint-limit "Access Denied" answer nobody
 * refreshes again until that ten-minute window is over; and without ZOHO_API_URL the API host follows
 * the token's api_domain.
 */
import t from "tap";
import { TokenRefreshError } from "../../src/zoho/errors.ts";
import { MINT_WINDOW_MS } from "../../src/zoho/token-cache.ts";
import type { CallContext } from "../../src/zoho/types.ts";
import { setupConsumerEnv, simStats, testDeps } from "../helper.ts";

const e = await setupConsumerEnv(t, { sim: { limits: { mintLimit: 2 } } });
const ns = `zoho:${e.config.ZOHO_ORGANIZATION_ID}:token`;

t.test("after Access Denied the fleet waits out the rest of Zoho's ten-minute mint window", async (t) => {
  const deps = await testDeps(t, e);
  for (let i = 0; i < 2; i++) {
    await deps.redis.del(`${ns}:access`);
    t.ok(await deps.tokens.get(), `mint ${i + 1} allowed`);
  }
  await deps.redis.del(`${ns}:access`);
  const err = await deps.tokens.get().catch((x: unknown) => x);
  t.type(err, TokenRefreshError);
  t.match((err as TokenRefreshError).reason, "Access Denied");
  const backoff = await deps.redis.pttl(`${ns}:failed`);
  t.ok(
    backoff > MINT_WINDOW_MS - 15_000 && backoff <= MINT_WINDOW_MS,
    `backs off ${backoff} ms, not the 1 s of other failures`,
  );
  const mints = simStats(e).tokens.mints;
  const again = await deps.tokens.get().catch((x: unknown) => x);
  t.match((again as TokenRefreshError).message, /waiting before trying again/);
  t.equal(simStats(e).tokens.mints, mints, "no further mint attempt reached Zoho");
  await deps.redis.del(`${ns}:failed`, `${ns}:mints`);
});

t.test("without ZOHO_API_URL the Books calls go to the token's api_domain", async (t) => {
  e.sim.state.reset();
  const deps = await testDeps(t, e, { ZOHO_API_URL: "" });
  await deps.redis.del(`${ns}:access`, `${ns}:api-domain`, `${ns}:failed`, `${ns}:mints`);
  const ctx: CallContext = { transactionId: null, deadline: Date.now() + 10_000, log: deps.log, calls: 0 };
  t.same(await deps.zoho.listBills({ bill_number: "none" }, ctx), []);
  t.equal(await deps.tokens.apiDomain(), e.sim.url, "the token's api_domain is kept for the fleet");
  t.equal(ctx.calls, 1);
});
