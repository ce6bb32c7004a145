/**
 * GET /console/: the Overview, each number a link to the list behind it. Its numbers are computed
 * at most every FRESH_MS per instance (counting today's audit log rows scans the month's partition),
 * so many open consoles cost the database one round every ten seconds.
 */
import type { FastifyInstance } from "fastify";
import { loadOverview, type Overview } from "../queries/overview.ts";

const FRESH_MS = 10_000;

export default async function overview(app: FastifyInstance) {
  let last: { at: number; value: Promise<Overview> } | undefined;
  const current = () => {
    if (!last || Date.now() - last.at > FRESH_MS) {
      const value = loadOverview(app.adminDb, app.aws.sqs, app.config.DLQ_URL);
      last = { at: Date.now(), value };
      value.catch(() => {
        if (last?.value === value) last = undefined; // a failed round is not kept
      });
    }
    return last.value;
  };
  app.get("/", async (_req, reply) => {
    const o = await current();
    // The quota the workers' fleet limiter enforces and the 80 % alarm watches (base setting).
    const quota = app.config.ZOHO_DAILY_QUOTA;
    return reply.page("overview", "Overview", {
      o,
      quota,
      quotaHigh: o.zohoCallsToday >= quota * 0.8,
      asOf: last?.at ?? Date.now(),
    });
  });
}
