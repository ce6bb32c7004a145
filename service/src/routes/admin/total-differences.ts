/**
 * GET /admin/v1/total-differences: delivered bills whose Zoho total differs from NetSuite's, newest
 * delivery first (lib/operations/total-differences.ts, the console's "Totals that differ" list).
 * Amounts are decimal strings in the bill's currency (numeric(20,4) as text), never floats.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { countTotalDifferences, listTotalDifferences } from "../../../../lib/operations/total-differences.ts";
import { AdminErrors } from "../../schemas/admin.ts";
import { isoOrNull } from "../../schemas/common.ts";

const NStr = Type.Union([Type.String(), Type.Null()]);

const TotalDifferencesQuery = Type.Object({
  // A string, like the other admin queries: the app's Ajv does not coerce query strings.
  limit: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,3}$", description: "1-1000" })),
});

const TotalDifferenceList = Type.Object({
  /** Every delivered bill with a difference; `items` holds the newest `limit` of them. */
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      transactionId: Type.String(),
      netsuiteBillId: Type.String(),
      zohoBillId: NStr,
      currencyCode: NStr,
      netsuiteTotal: NStr,
      zohoTotal: Type.String(),
      totalDifference: Type.String(),
      deliveredAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    }),
  ),
});

const totalDifferences: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/admin/v1/total-differences",
    {
      schema: {
        summary: "Delivered bills whose Zoho total differs from NetSuite's",
        tags: ["admin"],
        hide: true,
        querystring: TotalDifferencesQuery,
        response: { 200: TotalDifferenceList, ...AdminErrors },
      },
    },
    async (req) => {
      const [rows, total] = await Promise.all([
        listTotalDifferences(app.adminDb, { limit: Number(req.query.limit ?? 100) }),
        countTotalDifferences(app.adminDb),
      ]);
      return {
        total,
        items: rows.map((r) => ({
          transactionId: r.id,
          netsuiteBillId: r.netsuite_bill_id,
          zohoBillId: r.zoho_bill_id,
          currencyCode: r.currency_code,
          netsuiteTotal: r.netsuite_total,
          zohoTotal: r.zoho_total,
          totalDifference: r.total_difference,
          deliveredAt: isoOrNull(r.completed_at),
        })),
      };
    },
  );
};
export default totalDifferences;
