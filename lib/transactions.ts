/**
 * The transactions table: every state change of a bill goes through these functions, so the
 * service, the worker, the sweeper and the admin tools agree on the state machine:
 * pending -> processing -> success | failed (failed -> pending on an operator retry or a DLQ redrive).
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
  readonly apiKeyGroup?: string | null;
}

const row = sql.type(TransactionRow);
/** For statements that return no rows (slonik's typeAlias needs aliases configured, which createDb does not). */
const noRows = sql.type(z.object({}));

/**
 * Inserts a pending row; when the netsuite_bill_id exists already (a retry or a concurrent
 * duplicate) returns the existing row instead, with created=false. The unique index decides.
 */
export async function insertOrGetTransaction(
  db: CommonQueryMethods,
  t: NewTransaction,
): Promise<{ row: TransactionRow; created: boolean }> {
  const inserted = await db.maybeOne(row`
    INSERT INTO transactions (netsuite_bill_id, file_name, mime_type, file_size, content_sha256, s3_bucket, s3_key, bill, api_key_name, api_key_group)
    VALUES (${t.netsuiteBillId}, ${t.fileName}, ${t.mimeType}, ${t.fileSize}, ${t.sha256}, ${t.bucket}, ${t.key},
            ${t.bill ? sql.jsonb(t.bill as never) : null}, ${t.apiKeyName}, ${t.apiKeyGroup ?? null})
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
  await markEnqueuedMany(db, [id]);
}

/** The messages of these rows went out in one SQS batch: one statement for all of them. */
export async function markEnqueuedMany(db: CommonQueryMethods, ids: readonly string[]): Promise<void> {
  await db.query(noRows`
    UPDATE transactions SET enqueued_at = now(), enqueue_attempts = enqueue_attempts + 1
    WHERE id = ANY(${sql.array(ids, "uuid")})`);
}

/** The columns the sweeper needs to build a row's queue message (lib/queue.ts billMessageFor). */
const STALE_PENDING = z.object({
  id: z.string(),
  netsuite_bill_id: z.string(),
  s3_bucket: z.string(),
  s3_key: z.string(),
  content_sha256: z.string(),
});

/** The sweeper's windows (lib/config.ts SWEEPER_*), in ms. */
export interface SweepWindows {
  /** A pending row whose enqueue never succeeded is sent once it is this old. */
  readonly staleAfterMs: number;
  /** A pending row no worker claimed since its message went out this long ago: the message is lost. */
  readonly unclaimedAfterMs: number;
  /** A pending row whose message went out this long ago counts as lost whatever happened since. */
  readonly lostAfterMs: number;
  /** A processing row untouched this long is stuck; keep it above the longest delivery attempt. */
  readonly stuckProcessingAfterMs: number;
  /** Rows claimed at most in one round. */
  readonly limit: number;
}

/** Sends counted in enqueue_attempts after which only lostAfterMs enqueues an unclaimed row again. */
const MAX_UNCLAIMED_SENDS = 3;

/**
 * Rows whose message must be enqueued again, claimed with SKIP LOCKED so several sweepers never
 * send the same row in one round:
 * - pending rows whose enqueue never succeeded (enqueued_at NULL), older than staleAfterMs;
 * - pending rows no worker has claimed since the last send (updated_at still equals enqueued_at:
 *   a claim or a defer bumps updated_at), sent more than unclaimedAfterMs ago: the message was lost
 *   before any worker saw it (the chaos runs saw the SQS stand-in drop messages). Bounded by
 *   MAX_UNCLAIMED_SENDS, so a backlog or a fleet pause longer than the window costs at most two
 *   spare messages per bill, each acknowledged without calling Zoho once the bill is delivered;
 * - pending rows whose message went out more than lostAfterMs ago, whatever happened since;
 * - processing rows untouched for stuckProcessingAfterMs: the worker died or lost its database
 *   between claiming and settling, and SQS may have dead-lettered the message on a receive no
 *   worker saw. A fresh message lets a worker look the bill up in Zoho and settle the row;
 *   duplicates are harmless (per-bill Redis lock, row claim, lookup-before-write).
 * Claiming stamps enqueued_at (and the trigger updated_at), so a row is not claimed again before its window.
 */
export function claimStalePending(db: CommonQueryMethods, w: SweepWindows) {
  const ago = (ms: number) => sql.fragment`now() - make_interval(secs => ${ms / 1000})`;
  return db.any(sql.type(STALE_PENDING)`
    UPDATE transactions t SET enqueue_attempts = t.enqueue_attempts + 1, enqueued_at = now()
    FROM (
      SELECT id FROM transactions
      WHERE (status = 'pending'
             AND created_at < ${ago(w.staleAfterMs)}
             AND (enqueued_at IS NULL
                  OR enqueued_at < ${ago(w.lostAfterMs)}
                  OR (enqueued_at < ${ago(w.unclaimedAfterMs)} AND updated_at <= enqueued_at
                      AND enqueue_attempts < ${MAX_UNCLAIMED_SENDS})))
         OR (status = 'processing' AND updated_at < ${ago(w.stuckProcessingAfterMs)})
      ORDER BY created_at
      LIMIT ${w.limit}
      FOR UPDATE SKIP LOCKED
    ) s
    WHERE t.id = s.id
    RETURNING t.id, t.netsuite_bill_id, t.s3_bucket, t.s3_key, t.content_sha256`);
}

/**
 * The sweeper claimed the row but could not send its message: clear enqueued_at so the next sweep
 * (on any instance) claims it again instead of waiting for lostAfterMs.
 */
export async function releaseEnqueueClaim(db: CommonQueryMethods, id: string): Promise<void> {
  await db.query(noRows`UPDATE transactions SET enqueued_at = NULL WHERE id = ${id} AND status = 'pending'`);
}

// ---------------------------------------------------------------------------------------------
// Delivery (consumer): claim, progress and outcome. Exclusivity between workers is a Redis lock
// (consumer/src/tx-lock.ts); these functions keep the row's state honest for status reads and retries.

/**
 * Moves a pending (or crashed-while-processing) row to processing and returns it; null when the
 * row is missing or already settled (success/failed), which the caller then reads to say why.
 */
export const claimForDelivery = (db: CommonQueryMethods, id: string) =>
  db.maybeOne(row`
    UPDATE transactions SET status = 'processing'
    WHERE id = ${id} AND status IN ('pending', 'processing')
    RETURNING *`);

/**
 * Stamps last_attempt_at just before a Zoho write (create/attach) is sent. A later attempt that
 * finds it set knows Zoho may already hold the bill or the file, and looks before it writes.
 */
export async function markZohoWriteStarted(db: CommonQueryMethods, id: string): Promise<void> {
  await db.query(noRows`UPDATE transactions SET last_attempt_at = now() WHERE id = ${id}`);
}

/** Saves Zoho's ids as soon as Zoho returns them, before the remaining steps (copy, success). */
export async function recordZohoIds(
  db: CommonQueryMethods,
  id: string,
  zohoBillId: string,
  zohoDocumentId: string | null,
): Promise<void> {
  await db.query(noRows`
    UPDATE transactions SET zoho_bill_id = ${zohoBillId}, zoho_document_id = COALESCE(${zohoDocumentId}, zoho_document_id)
    WHERE id = ${id}`);
}

export async function markDelivered(
  db: CommonQueryMethods,
  id: string,
  zohoBillId: string,
  zohoDocumentId: string | null,
): Promise<void> {
  await db.query(noRows`
    UPDATE transactions
    SET status = 'success', zoho_bill_id = ${zohoBillId}, zoho_document_id = COALESCE(${zohoDocumentId}, zoho_document_id),
        error_message = NULL, completed_at = now()
    WHERE id = ${id}`);
}

/**
 * A real attempt failed transiently: count it (retry_count is the retry budget, not SQS's receive
 * count, which deferred messages distort) and put the row back to pending. Returns the count.
 */
export const markRetryScheduled = (db: CommonQueryMethods, id: string, errorMessage: string) =>
  db.oneFirst(sql.type(z.object({ retry_count: z.number() }))`
    UPDATE transactions SET status = 'pending', retry_count = retry_count + 1, error_message = ${errorMessage.slice(0, 2000)}
    WHERE id = ${id}
    RETURNING retry_count`);

/**
 * Back to pending without counting an attempt (deferred: throttled, or released at shutdown). With
 * clearWriteStamp, also clears last_attempt_at: for when Zoho refused the write outright (429).
 */
export async function releaseClaim(db: CommonQueryMethods, id: string, clearWriteStamp = false): Promise<void> {
  await db.query(noRows`
    UPDATE transactions
    SET status = 'pending', last_attempt_at = CASE WHEN ${clearWriteStamp} THEN NULL ELSE last_attempt_at END
    WHERE id = ${id} AND status = 'processing'`);
}

export async function markDeliveryFailed(db: CommonQueryMethods, id: string, errorMessage: string): Promise<void> {
  await db.query(noRows`
    UPDATE transactions SET status = 'failed', error_message = ${errorMessage.slice(0, 2000)}, completed_at = now()
    WHERE id = ${id} AND status <> 'success'`);
}

/** DLQ redrive: a failed or stuck row gets a fresh retry budget. Success rows are never reset. */
export const resetForRedrive = (db: CommonQueryMethods, id: string) =>
  db.maybeOne(row`
    UPDATE transactions SET status = 'pending', retry_count = 0, error_message = NULL, completed_at = NULL
    WHERE id = ${id} AND status <> 'success'
    RETURNING *`);
