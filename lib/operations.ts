/**
 * Error management and operator actions, shared by the CLI (scripts/ops/failed-bills.ts,
 * scripts/ops/redrive.ts) and the admin API (service/src/routes/admin.ts), so both behave the
 * same way. Modelled on Celigo's Errors page: list failed bills with Zoho's answer, retry one or
 * many (optionally after fixing the bill data), resolve with who and why. Every change writes a
 * row to the append-only operator_actions table in the same database transaction as the change.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { CommonQueryMethods, DatabasePool } from "slonik";
import { z } from "zod";
import { BillDetails, BillTarget, readBillMessage, TRANSACTION_STATUSES } from "./bill.ts";
import { sql } from "./db.ts";
import { billMessageFor, sendBillMessage } from "./queue.ts";
import { markEnqueued } from "./transactions.ts";

/** For statements that return no rows (createDb configures no slonik type aliases). */
const noRows = sql.type(z.object({}));

/** A request the operator must correct (unknown id, wrong state, bad input): 4xx in the admin API. */
export class OperationError extends Error {
  readonly code: string;
  readonly statusCode: number;
  constructor(code: string, message: string, statusCode = 400) {
    super(message);
    this.name = "OperationError";
    this.code = code;
    this.statusCode = statusCode;
  }
}

export const CHANNELS = ["cli", "admin-api", "script"] as const;
export const Operator = z.object({
  /** Who: a person's name or login, never a shared account name alone. */
  actor: z.string().trim().min(1).max(200),
  /** Why: free text that the next on-call engineer can act on (ticket, vendor fixed, duplicate of ...). */
  reason: z.string().trim().min(1).max(2000),
  channel: z.enum(CHANNELS),
  /** Extra context stored with the action (e.g. the API key name that made an admin call). */
  context: z.record(z.string(), z.string()).optional(),
});
export type Operator = z.infer<typeof Operator>;

const epoch = z.coerce.number();

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
  ...ZohoAnswer.shape,
});
export type FailedBill = z.infer<typeof FailedBill>;

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

export const OperatorAction = z.object({
  id: epoch,
  created_at: epoch,
  actor: z.string(),
  action: z.string(),
  reason: z.string(),
  channel: z.string(),
  transaction_ids: z.array(z.string()),
  details: z.unknown(),
});
export type OperatorAction = z.infer<typeof OperatorAction>;

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
  assertUuids([id]);
  const transaction = await db.maybeOne(sql.type(FailedBill)`${failedSelect} WHERE t.id = ${id}`);
  if (!transaction) throw new OperationError("ERR_NOT_FOUND", `transaction ${id} not found`, 404);
  const zohoCalls = await db.any(sql.type(AuditCall)`
    SELECT id, created_at, operation, method, url, status_code, zoho_code, duration_ms, response, error
    FROM api_audit_logs WHERE transaction_id = ${id} ORDER BY created_at, id LIMIT 200`);
  const actions = await listOperatorActions(db, { transactionId: id });
  return { transaction, zohoCalls, actions };
}

export function listOperatorActions(db: CommonQueryMethods, opts: { transactionId?: string; limit?: number } = {}) {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  const filter = opts.transactionId
    ? sql.fragment`WHERE transaction_ids @> ARRAY[${opts.transactionId}]::uuid[]`
    : sql.fragment``;
  return db.any(sql.type(OperatorAction)`
    SELECT id, created_at, actor, action, reason, channel, transaction_ids::text[] AS transaction_ids, details
    FROM operator_actions ${filter} ORDER BY id DESC LIMIT ${limit}`);
}

export async function recordOperatorAction(
  db: CommonQueryMethods,
  operator: Operator,
  action: string,
  transactionIds: readonly string[],
  details: Record<string, unknown> = {},
): Promise<number> {
  const op = Operator.parse(operator);
  return db.oneFirst(sql.type(z.object({ id: epoch }))`
    INSERT INTO operator_actions (actor, action, reason, channel, transaction_ids, details)
    VALUES (${op.actor}, ${action}, ${op.reason}, ${op.channel}, ${sql.array([...transactionIds], "uuid")},
            ${sql.jsonb({ ...details, ...(op.context ? { context: op.context } : {}) } as never)})
    RETURNING id`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function assertUuids(ids: readonly string[]): void {
  const bad = ids.filter((id) => !UUID.test(id));
  if (bad.length > 0) throw new OperationError("ERR_BAD_ID", `not a transaction id: ${bad.join(", ")}`);
}

const Requeue = z.object({
  id: z.string(),
  netsuite_bill_id: z.string(),
  status: z.enum(TRANSACTION_STATUSES),
  s3_bucket: z.string(),
  s3_key: z.string(),
  content_sha256: z.string(),
  bill: z.unknown(),
  error_message: z.string().nullable(),
  retry_count: z.number(),
  resolved_at: epoch.nullable(),
  last_attempt_at: epoch.nullable(),
});
type Requeue = z.infer<typeof Requeue>;

export interface QueueDeps {
  readonly db: DatabasePool;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** When set, copies of the retried transactions' messages are removed from the DLQ afterwards. */
  readonly dlqUrl?: string;
}

export interface RequeueResult {
  readonly actionId: number | null;
  /** Rows reset to pending and sent to the queue. */
  readonly requeued: readonly { id: string; messageId: string | null }[];
  /** Ids left alone, with why. */
  readonly skipped: readonly { id: string; reason: string }[];
  /**
   * Rows reset but whose SQS send failed: they stay pending with enqueued_at NULL, so the
   * ingest service's sweeper enqueues them within SWEEPER_INTERVAL_MS.
   */
  readonly sendFailed: readonly { id: string; error: string }[];
  readonly removedFromDlq: number;
}

/** Shallow merge of a bill fix; details are merged one level deeper. Validated as a BillTarget. */
const BillFix = z.strictObject({
  zohoBillId: BillTarget.shape.zohoBillId,
  referenceNumber: BillTarget.shape.referenceNumber,
  details: BillDetails.partial().optional(),
});

export function mergeBillFix(current: unknown, fix: unknown): BillTarget {
  const base = BillTarget.partial().parse(current ?? {});
  const parsedFix = BillFix.safeParse(fix);
  if (!parsedFix.success)
    throw new OperationError("ERR_BAD_BILL_FIX", `bill fix is invalid: ${parsedFix.error.message}`);
  const patch = parsedFix.data;
  const merged = {
    ...base,
    ...patch,
    details: patch.details ? { ...(base.details ?? {}), ...patch.details } : base.details,
  };
  const result = BillTarget.safeParse(merged);
  if (!result.success) throw new OperationError("ERR_BAD_BILL_FIX", `bill fix is invalid: ${result.error.message}`);
  return result.data;
}

/**
 * Retry failed bills: each open or resolved failed row goes back to pending (error and
 * resolution cleared; the old values stay in operator_actions.details) and gets a fresh SQS
 * message. `billFix` (one id only) corrects the bill data first, e.g. a vendor id Zoho rejected.
 */
export async function retryFailedBills(
  deps: QueueDeps,
  input: { ids: readonly string[]; operator: Operator; billFix?: unknown },
): Promise<RequeueResult> {
  if (input.billFix !== undefined && input.ids.length !== 1) {
    throw new OperationError("ERR_FIX_NEEDS_ONE", "a bill fix applies to exactly one transaction");
  }
  return requeue(
    deps,
    input.ids,
    input.operator,
    "retry",
    (row) => {
      if (row.status !== "failed") return `status is ${row.status}, only failed bills are retried`;
      return null;
    },
    input.billFix,
  );
}

/**
 * Re-drive one transaction whatever its non-final state: failed, pending (message lost or
 * stuck), or processing with no attempt for `staleAfterMs` (a worker died holding it).
 */
export function redriveTransaction(
  deps: QueueDeps,
  input: { id: string; operator: Operator; staleAfterMs?: number; now?: number },
): Promise<RequeueResult> {
  const staleAfterMs = input.staleAfterMs ?? 15 * 60_000;
  const now = input.now ?? Date.now();
  return requeue(deps, [input.id], input.operator, "redrive", (row) => {
    if (row.status === "success") return "already delivered; nothing to re-drive";
    if (row.status === "processing" && row.last_attempt_at !== null && now - row.last_attempt_at < staleAfterMs) {
      return `a worker attempted it ${Math.round((now - row.last_attempt_at) / 1000)} s ago; wait ${Math.round(staleAfterMs / 60_000)} min or check the worker`;
    }
    return null;
  });
}

async function requeue(
  deps: QueueDeps,
  rawIds: readonly string[],
  operator: Operator,
  action: string,
  refuse: (row: Requeue) => string | null,
  billFix?: unknown,
): Promise<RequeueResult> {
  const ids = [...new Set(rawIds)];
  if (ids.length === 0) throw new OperationError("ERR_NO_IDS", "give at least one transaction id");
  if (ids.length > 500) throw new OperationError("ERR_TOO_MANY", "at most 500 transactions per call");
  assertUuids(ids);
  const op = Operator.parse(operator);

  const { rows, skipped, actionId } = await deps.db.transaction(async (tx) => {
    const found = await tx.any(sql.type(Requeue)`
      SELECT id, netsuite_bill_id, status, s3_bucket, s3_key, content_sha256, bill, error_message, retry_count,
             resolved_at, last_attempt_at
      FROM transactions WHERE id = ANY(${sql.array(ids, "uuid")}) ORDER BY created_at FOR UPDATE`);
    const skipped: { id: string; reason: string }[] = ids
      .filter((id) => !found.some((r) => r.id === id))
      .map((id) => ({ id, reason: "not found" }));
    const rows: Requeue[] = [];
    for (const row of found) {
      const why = refuse(row);
      if (why) skipped.push({ id: row.id, reason: why });
      else rows.push(row);
    }
    if (rows.length === 0) return { rows, skipped, actionId: null };

    let fixed: BillTarget | undefined;
    if (billFix !== undefined && rows[0]) {
      fixed = mergeBillFix(rows[0].bill, billFix);
      await tx.query(noRows`
        UPDATE transactions SET bill = ${sql.jsonb(fixed as never)} WHERE id = ${rows[0].id}`);
    }
    await tx.query(noRows`
      UPDATE transactions
      SET status = 'pending', retry_count = 0, error_message = NULL, completed_at = NULL, enqueued_at = NULL,
          resolved_at = NULL, resolved_by = NULL, resolution_note = NULL
      WHERE id = ANY(${sql.array(
        rows.map((r) => r.id),
        "uuid",
      )})`);
    const actionId = await recordOperatorAction(
      tx,
      op,
      action,
      rows.map((r) => r.id),
      {
        previous: rows.map((r) => ({
          id: r.id,
          status: r.status,
          error: r.error_message,
          retryCount: r.retry_count,
          resolvedAt: r.resolved_at,
        })),
        ...(fixed ? { billBefore: rows[0]?.bill ?? null, billAfter: fixed } : {}),
        skipped,
      },
    );
    return { rows, skipped, actionId };
  });

  // Enqueue after commit, as the ingest path does: a failed send leaves the row pending with
  // enqueued_at NULL, which the sweeper repairs. Nothing is lost either way.
  const requeued: { id: string; messageId: string | null }[] = [];
  const sendFailed: { id: string; error: string }[] = [];
  for (const row of rows) {
    try {
      const messageId = await sendBillMessage(deps.sqs, deps.queueUrl, billMessageFor(row));
      await markEnqueued(deps.db, row.id);
      requeued.push({ id: row.id, messageId });
    } catch (err) {
      sendFailed.push({ id: row.id, error: (err as Error).message });
    }
  }
  const removedFromDlq =
    deps.dlqUrl && requeued.length > 0
      ? await removeFromDlq(deps.sqs, deps.dlqUrl, new Set(requeued.map((r) => r.id))).catch(() => 0)
      : 0;
  return { actionId, requeued, skipped, sendFailed, removedFromDlq };
}

/**
 * Mark failed bills resolved: no further delivery is wanted (fixed by hand in Zoho, duplicate,
 * cancelled). With `dlq`, their DLQ copies are deleted too, so a later DLQ replay cannot revive them.
 */
export async function resolveFailedBills(
  db: DatabasePool,
  input: { ids: readonly string[]; operator: Operator },
  dlq?: { sqs: SQSClient; dlqUrl: string },
): Promise<{
  actionId: number | null;
  resolved: readonly string[];
  skipped: readonly { id: string; reason: string }[];
  removedFromDlq: number;
}> {
  const ids = [...new Set(input.ids)];
  if (ids.length === 0) throw new OperationError("ERR_NO_IDS", "give at least one transaction id");
  assertUuids(ids);
  const op = Operator.parse(input.operator);
  const result = await db.transaction(async (tx) => {
    const found = await tx.any(sql.type(
      z.object({ id: z.string(), status: z.string(), resolved_at: epoch.nullable() }),
    )`
      SELECT id, status, resolved_at FROM transactions WHERE id = ANY(${sql.array(ids, "uuid")}) FOR UPDATE`);
    const skipped = ids.filter((id) => !found.some((r) => r.id === id)).map((id) => ({ id, reason: "not found" }));
    const resolved: string[] = [];
    for (const r of found) {
      if (r.status !== "failed")
        skipped.push({ id: r.id, reason: `status is ${r.status}, only failed bills are resolved` });
      else if (r.resolved_at !== null) skipped.push({ id: r.id, reason: "already resolved" });
      else resolved.push(r.id);
    }
    if (resolved.length === 0) return { actionId: null, resolved, skipped };
    await tx.query(noRows`
      UPDATE transactions SET resolved_at = now(), resolved_by = ${op.actor}, resolution_note = ${op.reason}
      WHERE id = ANY(${sql.array(resolved, "uuid")})`);
    const actionId = await recordOperatorAction(tx, op, "resolve", resolved, { skipped });
    return { actionId, resolved, skipped };
  });
  const removedFromDlq =
    dlq && result.resolved.length > 0
      ? await removeFromDlq(dlq.sqs, dlq.dlqUrl, new Set(result.resolved)).catch(() => 0)
      : 0;
  return { ...result, removedFromDlq };
}

export interface DlqEntry {
  readonly messageId: string;
  readonly transactionId: string | null;
  readonly netsuiteBillId: string | null;
  readonly receiveCount: number;
  readonly sentAt: number | null;
}

interface Scanned {
  readonly entry: DlqEntry;
  readonly receiptHandle: string;
}

/**
 * Reads up to `max` DLQ messages without consuming them: each is hidden for `holdS` while the
 * scan runs and released (visibility 0) at the end, except those `keep` says to delete.
 */
async function scanDlq(
  sqs: SQSClient,
  dlqUrl: string,
  opts: { max: number; holdS?: number; remove?: (e: DlqEntry) => boolean },
): Promise<{ entries: DlqEntry[]; removed: number }> {
  const seen: Scanned[] = [];
  let empty = 0;
  while (seen.length < opts.max && empty < 1) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: Math.min(10, opts.max - seen.length),
        VisibilityTimeout: opts.holdS ?? 30,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
        MessageAttributeNames: ["transactionId"],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) {
      empty++;
      continue;
    }
    for (const m of messages) {
      if (!m.MessageId || !m.ReceiptHandle) continue;
      const body = readBillMessage(m.Body);
      const sent = m.Attributes?.SentTimestamp;
      seen.push({
        receiptHandle: m.ReceiptHandle,
        entry: {
          messageId: m.MessageId,
          transactionId: body?.transactionId ?? m.MessageAttributes?.transactionId?.StringValue ?? null,
          netsuiteBillId: body?.netsuiteBillId ?? null,
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
          sentAt: sent ? Number(sent) : null,
        },
      });
    }
  }
  const doomed = opts.remove ? seen.filter((s) => opts.remove?.(s.entry)) : [];
  const released = seen.filter((s) => !doomed.includes(s));
  for (let i = 0; i < doomed.length; i += 10) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: doomed.slice(i, i + 10).map((s, n) => ({ Id: String(n), ReceiptHandle: s.receiptHandle })),
      }),
    );
  }
  for (let i = 0; i < released.length; i += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: dlqUrl,
        Entries: released
          .slice(i, i + 10)
          .map((s, n) => ({ Id: String(n), ReceiptHandle: s.receiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }
  return { entries: released.map((s) => s.entry), removed: doomed.length };
}

/** The DLQ's messages (up to `max`), left in place: what `errors dlq` and GET /admin/v1/dlq show. */
export async function peekDlq(sqs: SQSClient, dlqUrl: string, max = 100): Promise<DlqEntry[]> {
  return (await scanDlq(sqs, dlqUrl, { max })).entries;
}

/** Deletes the DLQ copies of messages for these transactions (they were re-sent to the main queue). */
export async function removeFromDlq(
  sqs: SQSClient,
  dlqUrl: string,
  transactionIds: ReadonlySet<string>,
  maxScan = 1000,
): Promise<number> {
  const { removed } = await scanDlq(sqs, dlqUrl, {
    max: maxScan,
    remove: (e) => e.transactionId !== null && transactionIds.has(e.transactionId),
  });
  return removed;
}
