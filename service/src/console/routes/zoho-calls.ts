/** GET /console/zoho-calls: today's Zoho calls from the audit log, the list behind the Overview's number. */
import type { FastifyInstance } from "fastify";
import { isBooksCall, recentZohoCalls, zohoCallsByOperation } from "../queries/zoho-calls.ts";

/** The newest calls listed; the by-operation table counts all of today's. */
const SHOWN = 200;

export default async function zohoCallsPage(app: FastifyInstance) {
  app.get("/zoho-calls", async (_req, reply) => {
    const [byOperation, calls] = await Promise.all([
      zohoCallsByOperation(app.adminDb),
      recentZohoCalls(app.adminDb, SHOWN),
    ]);
    const total = byOperation.reduce((n, o) => n + o.calls, 0);
    const books = byOperation.filter((o) => isBooksCall(o.operation)).reduce((n, o) => n + o.calls, 0);
    return reply.page("zoho-calls", "Zoho calls today", {
      byOperation: byOperation.map((o) => ({ ...o, quota: isBooksCall(o.operation) })),
      calls,
      total,
      books,
      quota: app.config.ZOHO_DAILY_QUOTA,
    });
  });
}
