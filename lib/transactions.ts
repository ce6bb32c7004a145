/**
 * The transactions table: every state change of a bill goes through these functions, so the
 * service, the worker, the sweeper and the admin tools agree on the state machine:
 * pending -> processing -> success | failed (failed -> pending on retry/replay).
 */
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { type BillTarget, TransactionRow } from "./bill.ts";
import { sql } from "./db.ts";

export interface NewTransaction {
  readonly netsuiteBillId: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly fileSize: number;
  readonly sha256: string;
  readonly bucket: string;
  readonly key: string;
  readonly bill: BillTarget | null;
  readonly apiKeyName: string | null;
}

const row = sql.type(TransactionRow);

/**
 * Inserts a pending row; when the netsuite_bill_id exists already (a retry or a concurrent
 * duplicate) returns the existing row instead, with created=false. The unique index decides.
 */
export async function insertOrGetTransaction(
  db: CommonQueryMethods,
  t: NewTransaction,
): Promise<{ row: TransactionRow; created: boolean }> {
  const inserted = await db.maybeOne(row`
    INSERT INTO transactions (netsuite_bill_id, file_name, mime_type, file_size, content_sha256, s3_bucket, s3_key, bill, api_key_name)
    VALUES (${t.netsuiteBillId}, ${t.fileName}, ${t.mimeType}, ${t.fileSize}, ${t.sha256}, ${t.bucket}, ${t.key},
            ${t.bill ? sql.jsonb(t.bill as never) : null}, ${t.apiKeyName})
    ON CONFLICT (netsuite_bill_id) DO NOTHING
    RETURNING *`);
  if (inserted) return { row: inserted, created: true };
  const existing = await findByNetsuiteBillId(db, t.netsuiteBillId);
  if (!existing) throw new Error(`transaction for ${t.netsuiteBillId} vanished during insert`);
  return { row: existing, created: false };
}

export const findTransaction = (db: CommonQueryMethods, id: string) =>
  db.maybeOne(row`SELECT * FROM transactions WHERE id = ${id}`);

export const findByNetsuiteBillId = (db: CommonQueryMethods, netsuiteBillId: string) =>
  db.maybeOne(row`SELECT * FROM transactions WHERE netsuite_bill_id = ${netsuiteBillId}`);

export async function markEnqueued(db: CommonQueryMethods, id: string): Promise<void> {
  await db.query(sql.typeAlias("void")`
    UPDATE transactions SET enqueued_at = now(), enqueue_attempts = enqueue_attempts + 1 WHERE id = ${id}`);
}

/**
 * Pending rows whose enqueue never succeeded (enqueued_at NULL) or is so old that the message
 * must be considered lost, older than staleAfterMs. Locked with SKIP LOCKED so several sweepers
 * never re-enqueue the same row at once.
 */
export const STALE_PENDING = z.object({
  id: z.string(),
  netsuite_bill_id: z.string(),
  s3_bucket: z.string(),
  s3_key: z.string(),
  content_sha256: z.string(),
});
export function claimStalePending(db: CommonQueryMethods, staleAfterMs: number, limit = 100) {
  return db.any(sql.type(STALE_PENDING)`
    UPDATE transactions t SET enqueue_attempts = t.enqueue_attempts + 1, enqueued_at = now()
    FROM (
      SELECT id FROM transactions
      WHERE status = 'pending'
        AND created_at < now() - make_interval(secs => ${staleAfterMs / 1000})
        AND (enqueued_at IS NULL OR enqueued_at < now() - make_interval(secs => ${(staleAfterMs * 10) / 1000}))
      ORDER BY created_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ) s
    WHERE t.id = s.id
    RETURNING t.id, t.netsuite_bill_id, t.s3_bucket, t.s3_key, t.content_sha256`);
}
