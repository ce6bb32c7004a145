/**
 * Test data for the operational tools and the runbook tests: transactions in each state and the
 * Zoho calls the worker would have audited for them. Tests only.
 */
import { createHash, randomUUID } from "node:crypto";
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import type { BillTarget } from "../bill.ts";
import { sql } from "../db.ts";

const noRows = sql.type(z.object({}));

export interface SeedBill {
  readonly netsuiteBillId?: string;
  readonly status?: "pending" | "processing" | "success" | "failed";
  readonly errorMessage?: string | null;
  readonly bill?: BillTarget | null;
  readonly zohoBillId?: string | null;
  /** How long ago the row was created, in ms. @default 60_000 */
  readonly ageMs?: number;
  readonly lastAttemptAgoMs?: number | null;
}

export async function seedBill(db: CommonQueryMethods, s: SeedBill = {}): Promise<string> {
  const id = randomUUID();
  const nsId = s.netsuiteBillId ?? `NS-${id.slice(0, 8)}`;
  const sha = createHash("sha256").update(id).digest("hex");
  const status = s.status ?? "failed";
  const age = s.ageMs ?? 60_000;
  const lastAttempt = s.lastAttemptAgoMs === undefined ? age / 2 : s.lastAttemptAgoMs;
  await db.query(noRows`
    INSERT INTO transactions (id, netsuite_bill_id, file_name, file_size, content_sha256, s3_bucket, s3_key, bill,
      status, error_message, zoho_bill_id, zoho_document_id, enqueued_at, last_attempt_at, completed_at, created_at)
    VALUES (${id}, ${nsId}, 'bill.pdf', 1024, ${sha}, 'incoming', ${`bills/${id}.pdf`},
      ${s.bill ? sql.jsonb(s.bill as never) : null}, ${status},
      ${s.errorMessage ?? (status === "failed" ? "Zoho rejected the bill" : null)},
      ${s.zohoBillId ?? (status === "success" ? `46000000${Math.floor(Math.random() * 1e6)}` : null)},
      ${status === "success" ? "9000001" : null},
      now() - make_interval(secs => ${age / 1000}),
      ${lastAttempt === null ? null : sql.fragment`now() - make_interval(secs => ${lastAttempt / 1000})`},
      ${status === "success" ? sql.fragment`now()` : null},
      now() - make_interval(secs => ${age / 1000}))`);
  return id;
}

/** One audited Zoho call, shaped as the worker writes it. */
export async function seedZohoCall(
  db: CommonQueryMethods,
  transactionId: string,
  call: { operation?: string; statusCode?: number; zohoCode?: number; message?: string; error?: string | null },
): Promise<void> {
  await db.query(noRows`
    INSERT INTO api_audit_logs (transaction_id, operation, method, url, status_code, zoho_code, duration_ms, request, response, error)
    VALUES (${transactionId}, ${call.operation ?? "createBill"}, 'POST', '/books/v3/bills?organization_id=1',
      ${call.statusCode ?? 400}, ${call.zohoCode ?? 0}, 120, ${sql.jsonb({ bill_number: "B-1" })},
      ${sql.jsonb({ code: call.zohoCode ?? 0, message: call.message ?? "ok" })}, ${call.error ?? null})`);
}
