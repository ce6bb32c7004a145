/**
 * GET /console/totals: delivered bills whose total in Zoho Books differs from NetSuite's (the
 * Overview's "totals differ" number). They stay delivered (Zoho holds them); finance decides what to
 * correct, from the amounts side by side here and on each bill's page.
 */
import type { FastifyInstance } from "fastify";
import { countTotalDifferences, listTotalDifferences } from "../../../../lib/operations/total-differences.ts";
import { summarize } from "../queries/bills.ts";

/** The newest deliveries listed; the caption gives the count of all of them. */
export const TOTALS_SHOWN = 200;

export default async function totalsPage(app: FastifyInstance) {
  app.get("/totals", async (_req, reply) => {
    const [rows, total] = await Promise.all([
      listTotalDifferences(app.adminDb, { limit: TOTALS_SHOWN }),
      countTotalDifferences(app.adminDb),
    ]);
    const items = rows.map((r) => ({ ...r, ...summarize(r.bill) }));
    return reply.page("totals", "Totals that differ", { items, total });
  });
}
