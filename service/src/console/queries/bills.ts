/**
 * Bill rows as the console shows them: what the clerk recognises (vendor, bill number, amount) read
 * from the bill NetSuite sent, the bills of one status for the Overview's links, one bill's record
 * with what was last sent to Zoho. Read-only; failed bills themselves come from
 * lib/operations/failed-bills.ts (the admin API's query).
 */
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { BillTarget, TRANSACTION_STATUSES } from "../../../../lib/bill.ts";
import { sql } from "../../../../lib/db.ts";
import { epoch } from "../../../../lib/operations/rows.ts";

export interface BillSummary {
  readonly vendor: string;
  readonly billNumber: string;
  readonly total: number | undefined;
  readonly currency: string | undefined;
}

/** The clerk's columns from a stored bill (rows written before details existed show dashes). */
export function summarize(bill: unknown): BillSummary {
  const parsed = BillTarget.safeParse(bill ?? {});
  const d = parsed.success ? parsed.data.details : undefined;
  return {
    vendor: d?.vendorName ?? d?.vendorId ?? "—",
    billNumber: d?.billNumber ?? (parsed.success ? parsed.data.referenceNumber : undefined) ?? "—",
    total: d?.total,
    currency: d?.currencyCode,
  };
}

const IdBill = z.object({ id: z.string(), bill: z.unknown() });

export async function summariesFor(db: CommonQueryMethods, ids: readonly string[]): Promise<Map<string, BillSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await db.any(sql.type(IdBill)`
    SELECT id, bill FROM transactions WHERE id = ANY(${sql.array([...ids], "uuid")})`);
  return new Map(rows.map((r) => [r.id, summarize(r.bill)]));
}

export const BILL_LISTS = ["pending", "processing", "success", "failed", "backlog"] as const;
export type BillList = (typeof BILL_LISTS)[number];

const ListedBill = z.object({
  id: z.string(),
  netsuite_bill_id: z.string(),
  status: z.enum(TRANSACTION_STATUSES),
  bill: z.unknown(),
  created_at: epoch,
  updated_at: epoch,
  error_message: z.string().nullable(),
});
export type ListedBill = z.infer<typeof ListedBill>;

/** Newest first; `backlog` is pending and processing together (oldest first: the ones to look at). */
export function listBills(db: CommonQueryMethods, list: BillList, sinceHours: number | null, limit = 200) {
  const statuses = list === "backlog" ? ["pending", "processing"] : [list];
  const since = sinceHours
    ? sql.fragment`AND created_at >= now() - make_interval(hours => ${sinceHours})`
    : sql.fragment``;
  const order = list === "backlog" ? sql.fragment`created_at ASC` : sql.fragment`created_at DESC`;
  return db.any(sql.type(ListedBill)`
    SELECT id, netsuite_bill_id, status, bill, created_at, updated_at, error_message
    FROM transactions WHERE status = ANY(${sql.array(statuses, "text")}) ${since}
    ORDER BY ${order} LIMIT ${limit}`);
}

const BillRecord = z.object({
  id: z.string(),
  bill: z.unknown(),
  s3_bucket: z.string(),
  s3_key: z.string(),
  mime_type: z.string(),
  zoho_bill_id: z.string().nullable(),
  enqueued_at: epoch.nullable(),
  completed_at: epoch.nullable(),
  api_key_name: z.string().nullable(),
});
export type BillRecord = z.infer<typeof BillRecord>;

export const billRecord = (db: CommonQueryMethods, id: string) =>
  db.maybeOne(sql.type(BillRecord)`
    SELECT id, bill, s3_bucket, s3_key, mime_type, zoho_bill_id, enqueued_at, completed_at, api_key_name
    FROM transactions WHERE id = ${id}`);

/** The request of the newest bill create sent to Zoho for this transaction (sanitized by the worker). */
export const lastSentToZoho = (db: CommonQueryMethods, id: string) =>
  db.maybeOneFirst(sql.type(z.object({ request: z.unknown() }))`
    SELECT request FROM api_audit_logs
    WHERE transaction_id = ${id} AND operation = 'books.bills.create'
    ORDER BY created_at DESC LIMIT 1`);
