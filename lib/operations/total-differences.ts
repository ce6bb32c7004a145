/**
 * Delivered bills whose total in Zoho Books differs from NetSuite's (issue 14): the worker records
 * Zoho's computed total and the difference on the row after create (consumer/src/delivery/total-check.ts)
 * and the bill stays delivered, so these are found here, not among failed bills. Read by the console's
 * "Totals that differ" list and its Overview number, and by GET /admin/v1/total-differences.
 *
 * Both queries use the partial index transactions_total_differences (migration 1768000000000), which
 * holds only these rows: DIFFERS below must stay its predicate, or PostgreSQL reads every delivered row.
 */
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { sql } from "../db.ts";
import { epoch } from "./rows.ts";

export const TotalDifference = z.object({
  id: z.string(),
  netsuite_bill_id: z.string(),
  zoho_bill_id: z.string().nullable(),
  bill: z.unknown(),
  /** NetSuite's total and currency as the bill carries them (text: never a float). */
  netsuite_total: z.string().nullable(),
  currency_code: z.string().nullable(),
  /** numeric(20,4) as text, in the bill's currency. */
  zoho_total: z.string(),
  total_difference: z.string(),
  completed_at: epoch.nullable(),
});
export type TotalDifference = z.infer<typeof TotalDifference>;

const DIFFERS = sql.fragment`t.status = 'success' AND t.total_difference <> 0`;

/** Newest delivery first; at most `limit` (1..1000, default 200). */
export function listTotalDifferences(db: CommonQueryMethods, opts: { readonly limit?: number } = {}) {
  const limit = Math.min(Math.max(opts.limit ?? 200, 1), 1000);
  return db.any(sql.type(TotalDifference)`
    SELECT t.id, t.netsuite_bill_id, t.zoho_bill_id, t.bill,
      t.bill->'details'->>'total' AS netsuite_total, t.bill->'details'->>'currencyCode' AS currency_code,
      t.zoho_total::text AS zoho_total, t.total_difference::text AS total_difference, t.completed_at
    FROM transactions t WHERE ${DIFFERS}
    ORDER BY t.completed_at DESC NULLS LAST, t.id LIMIT ${limit}`);
}

export const countTotalDifferences = (db: CommonQueryMethods): Promise<number> =>
  db.oneFirst(sql.type(z.object({ n: epoch }))`SELECT count(*) AS n FROM transactions t WHERE ${DIFFERS}`);
