/**
 * Operator retries: a failed bill (optionally after fixing its data) or a stuck transaction goes
 * back to pending and gets a fresh message on the bills queue. The row change and its operator
 * action commit together; the message is sent after commit, as ingest does.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { CommonQueryMethods, DatabasePool } from "slonik";
import { z } from "zod";
import { BillDetails, BillTarget, TRANSACTION_STATUSES } from "../bill.ts";
import { sql } from "../db.ts";
import { removeFromDlq } from "../dlq.ts";
import { billMessageFor, sendBillMessage } from "../queue.ts";
import { markEnqueued } from "../transactions.ts";
import { assertFixKeepsMoney } from "./fix-guard.ts";
import { distinctTransactionIds, OperationError } from "./operation-error.ts";
import { Operator, recordOperatorAction } from "./operator-actions.ts";
import { epoch, noRows } from "./rows.ts";

/** What a retry needs of a row: the refusal checks, the message, and the values it clears. */
const RetryRow = z.object({
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
type RetryRow = z.infer<typeof RetryRow>;

export interface QueueDeps {
  readonly db: DatabasePool;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** When set, copies of the retried transactions' messages are removed from the DLQ afterwards. */
  readonly dlqUrl?: string;
}

export interface RetryResult {
  readonly actionId: number | null;
  /**
   * Rows reset to pending and sent to the queue. The name is the admin API's response field (its
   * contract, see service/src/schemas/admin.ts), so the API passes results through unchanged.
   */
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

function mergeBillFix(current: unknown, fix: unknown): BillTarget {
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
  assertFixKeepsMoney(base.details, result.data.details);
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
): Promise<RetryResult> {
  if (input.billFix !== undefined && input.ids.length !== 1) {
    throw new OperationError("ERR_FIX_NEEDS_ONE", "a bill fix applies to exactly one transaction");
  }
  const onlyFailed = (row: RetryRow) =>
    row.status === "failed" ? null : `status is ${row.status}, only failed bills are retried`;
  return enqueueAgain(deps, input.ids, input.operator, "retry", onlyFailed, input.billFix);
}

/**
 * Retry one stuck transaction whatever its non-final state: failed, pending (message lost or
 * stuck), or processing with no attempt for `staleAfterMs` (a worker died holding it).
 * Recorded as the operator action "retry-stuck" (rows written before the glossary say "redrive").
 */
export function retryStuckTransaction(
  deps: QueueDeps,
  input: { id: string; operator: Operator; staleAfterMs?: number; now?: number },
): Promise<RetryResult> {
  const staleAfterMs = input.staleAfterMs ?? 15 * 60_000;
  const now = input.now ?? Date.now();
  return enqueueAgain(deps, [input.id], input.operator, "retry-stuck", (row) => {
    if (row.status === "success") return "already delivered; nothing to retry";
    if (row.status === "processing" && row.last_attempt_at !== null && now - row.last_attempt_at < staleAfterMs) {
      return `a worker attempted it ${Math.round((now - row.last_attempt_at) / 1000)} s ago; wait ${Math.round(staleAfterMs / 60_000)} min or check the worker`;
    }
    return null;
  });
}

/** The shared core: lock and reset the rows (one DB transaction), then send their messages. */
async function enqueueAgain(
  deps: QueueDeps,
  rawIds: readonly string[],
  operator: Operator,
  action: string,
  refuse: (row: RetryRow) => string | null,
  billFix?: unknown,
): Promise<RetryResult> {
  const ids = distinctTransactionIds(rawIds, 500);
  const op = Operator.parse(operator);
  const { rows, skipped, actionId } = await deps.db.transaction((tx) =>
    resetToPending(tx, { ids, operator: op, action, refuse, billFix }),
  );
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

interface ResetInput {
  readonly ids: readonly string[];
  readonly operator: Operator;
  readonly action: string;
  readonly refuse: (row: RetryRow) => string | null;
  readonly billFix: unknown;
}

/** Inside one DB transaction: lock the rows, apply the fix, reset to pending, record the action. */
async function resetToPending(tx: CommonQueryMethods, input: ResetInput) {
  const found = await tx.any(sql.type(RetryRow)`
    SELECT id, netsuite_bill_id, status, s3_bucket, s3_key, content_sha256, bill, error_message, retry_count,
           resolved_at, last_attempt_at
    FROM transactions WHERE id = ANY(${sql.array([...input.ids], "uuid")}) ORDER BY created_at FOR UPDATE`);
  const skipped: { id: string; reason: string }[] = input.ids
    .filter((id) => !found.some((r) => r.id === id))
    .map((id) => ({ id, reason: "not found" }));
  const rows: RetryRow[] = [];
  for (const row of found) {
    const why = input.refuse(row);
    if (why) skipped.push({ id: row.id, reason: why });
    else rows.push(row);
  }
  if (rows.length === 0) return { rows, skipped, actionId: null };

  let fixed: BillTarget | undefined;
  if (input.billFix !== undefined && rows[0]) {
    fixed = mergeBillFix(rows[0].bill, input.billFix);
    await tx.query(noRows`UPDATE transactions SET bill = ${sql.jsonb(fixed as never)} WHERE id = ${rows[0].id}`);
  }
  const rowIds = rows.map((r) => r.id);
  await tx.query(noRows`
    UPDATE transactions
    SET status = 'pending', retry_count = 0, error_message = NULL, completed_at = NULL, enqueued_at = NULL,
        resolved_at = NULL, resolved_by = NULL, resolution_note = NULL
    WHERE id = ANY(${sql.array(rowIds, "uuid")})`);
  const previous = rows.map((r) => ({
    id: r.id,
    status: r.status,
    error: r.error_message,
    retryCount: r.retry_count,
    resolvedAt: r.resolved_at,
  }));
  const actionId = await recordOperatorAction(tx, input.operator, input.action, rowIds, {
    previous,
    ...(fixed ? { billBefore: rows[0]?.bill ?? null, billAfter: fixed } : {}),
    skipped,
  });
  return { rows, skipped, actionId };
}
