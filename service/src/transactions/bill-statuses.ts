/**
 * The statuses of many bills by their NetSuite ids, for one key: one query per call on the unique
 * index of netsuite_bill_id. Which rows a key may see is the one rule of auth/transaction-access.ts
 * (readableBy, the same as GET /api/v1/transactions/:id); another group's bills come back as not
 * found, exactly like ids that do not exist.
 */
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { TRANSACTION_STATUSES } from "../../../lib/bill.ts";
import { sql } from "../../../lib/db.ts";
import { type KeyIdentity, readableBy } from "../auth/transaction-access.ts";

const StatusRow = z.object({
  id: z.string(),
  netsuite_bill_id: z.string(),
  status: z.enum(TRANSACTION_STATUSES),
  zoho_bill_id: z.string().nullable(),
  error_message: z.string().nullable(),
  updated_at: z.number(),
});
export type StatusRow = z.infer<typeof StatusRow>;

export interface BillStatuses {
  /** In the order of the ids asked for. */
  readonly found: readonly StatusRow[];
  readonly notFound: readonly string[];
}

export async function findBillStatuses(
  db: CommonQueryMethods,
  key: KeyIdentity,
  netsuiteBillIds: readonly string[],
): Promise<BillStatuses> {
  const rows = await db.any(sql.type(StatusRow)`
    SELECT id, netsuite_bill_id, status, zoho_bill_id, error_message, updated_at
    FROM transactions
    WHERE netsuite_bill_id = ANY(${sql.array([...netsuiteBillIds], "text")}) AND ${readableBy(key)}`);
  const byId = new Map(rows.map((r) => [r.netsuite_bill_id, r]));
  const found: StatusRow[] = [];
  const notFound: string[] = [];
  for (const id of netsuiteBillIds) {
    const row = byId.get(id);
    if (row) found.push(row);
    else notFound.push(id);
  }
  return { found, notFound };
}
