/**
 * Failed bills as an operator sees them (modelled on Celigo's Errors page): each failed row with
 * Zoho's last answer, and one bill's every Zoho call and operator action. Read-only.
 */
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { TRANSACTION_STATUSES } from "../bill.ts";
import { sql } from "../db.ts";
import { assertTransactionIds, OperationError } from "./operation-error.ts";
import { listOperatorActions, type OperatorAction } from "./operator-actions.ts";
import { epoch } from "./rows.ts";

/** Zoho's last answer for a transaction, from api_audit_logs. */
export const ZohoAnswer = z.object({
  zoho_operation: z.string().nullable(),
  zoho_status_code: z.number().nullable(),
  zoho_code: z.number().nullable(),
  zoho_message: z.string().nullable(),
  zoho_error: z.string().nullable(),
  zoho_at: epoch.nullable(),
});

export const FailedBill = z.object({
  id: z.string(),
  netsuite_bill_id: z.string(),
  status: z.enum(TRANSACTION_STATUSES),
  error_message: z.string().nullable(),
  retry_count: z.number(),
  file_name: z.string(),
  file_size: epoch,
  created_at: epoch,
  updated_at: epoch,
  last_attempt_at: epoch.nullable(),
  resolved_at: epoch.nullable(),
  resolved_by: z.string().nullable(),
  resolution_note: z.string().nullable(),
  /** Zoho's computed total and its difference from NetSuite's (consumer/src/delivery/total-check.ts). */
  zoho_total: z.string().nullable(),
  total_difference: z.string().nullable(),
  ...ZohoAnswer.shape,
});
export type FailedBill = z.infer<typeof FailedBill>;

/** One row of api_audit_logs (the audit log: one sanitized row per call to Zoho). */
export const AuditCall = z.object({
  id: epoch,
  created_at: epoch,
  operation: z.string(),
  method: z.string(),
  url: z.string(),
  status_code: z.number().nullable(),
  zoho_code: z.number().nullable(),
  duration_ms: z.number().nullable(),
  response: z.unknown(),
  error: z.string().nullable(),
});
export type AuditCall = z.infer<typeof AuditCall>;

export const ERROR_STATES = ["open", "resolved", "all"] as const;
export interface ListFailedOptions {
  /** open: failed and not resolved (the default); resolved; all failed rows. */
  readonly state?: (typeof ERROR_STATES)[number];
  readonly from?: Date;
  readonly to?: Date;
  readonly netsuiteBillId?: string;
  /** @default 100 (at most 1000) */
  readonly limit?: number;
}

/** The newest failing Zoho call of each transaction (LATERAL: one index probe per row). */
const failedSelect = sql.fragment`
  SELECT t.id, t.netsuite_bill_id, t.status, t.error_message, t.retry_count, t.file_name, t.file_size,
         t.created_at, t.updated_at, t.last_attempt_at, t.resolved_at, t.resolved_by, t.resolution_note,
         t.zoho_total::text AS zoho_total, t.total_difference::text AS total_difference,
         a.operation AS zoho_operation, a.status_code AS zoho_status_code, a.zoho_code,
         a.response->>'message' AS zoho_message, a.error AS zoho_error, a.created_at AS zoho_at
  FROM transactions t
  LEFT JOIN LATERAL (
    SELECT l.operation, l.status_code, l.zoho_code, l.response, l.error, l.created_at
    FROM api_audit_logs l
    WHERE l.transaction_id = t.id AND (l.status_code >= 400 OR l.error IS NOT NULL)
    ORDER BY l.created_at DESC
    LIMIT 1
  ) a ON true`;

export function listFailedBills(db: CommonQueryMethods, opts: ListFailedOptions = {}) {
  const state = opts.state ?? "open";
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  const where = [
    sql.fragment`t.status = 'failed'`,
    state === "open" ? sql.fragment`t.resolved_at IS NULL` : null,
    state === "resolved" ? sql.fragment`t.resolved_at IS NOT NULL` : null,
    opts.from ? sql.fragment`t.created_at >= ${sql.timestamp(opts.from)}` : null,
    opts.to ? sql.fragment`t.created_at < ${sql.timestamp(opts.to)}` : null,
    opts.netsuiteBillId ? sql.fragment`t.netsuite_bill_id = ${opts.netsuiteBillId}` : null,
  ];
  return db.any(sql.type(FailedBill)`
    ${failedSelect}
    WHERE ${sql.and(where)}
    ORDER BY t.created_at DESC
    LIMIT ${limit}`);
}

export interface BillErrorDetail {
  readonly transaction: FailedBill;
  /** Every Zoho call for the transaction, oldest first (sanitized at write time by the worker). */
  readonly zohoCalls: readonly AuditCall[];
  readonly actions: readonly OperatorAction[];
}

export async function getBillErrorDetail(db: CommonQueryMethods, id: string): Promise<BillErrorDetail> {
  assertTransactionIds([id]);
  const transaction = await db.maybeOne(sql.type(FailedBill)`${failedSelect} WHERE t.id = ${id}`);
  if (!transaction) throw new OperationError("ERR_NOT_FOUND", `transaction ${id} not found`, 404);
  const zohoCalls = await db.any(sql.type(AuditCall)`
    SELECT id, created_at, operation, method, url, status_code, zoho_code, duration_ms, response, error
    FROM api_audit_logs WHERE transaction_id = ${id} ORDER BY created_at, id LIMIT 200`);
  const actions = await listOperatorActions(db, { transactionId: id });
  return { transaction, zohoCalls, actions };
}
