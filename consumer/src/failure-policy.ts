/**
 * The failure policy: what a failed attempt does to the row and which Outcome its message gets.
 * - throttled (Zoho 429, no limiter slot, breaker open): defer; the attempt is not counted and the
 *   write stamp is undone (Zoho applied nothing);
 * - permanent (bad payload, unknown vendor, Zoho 4xx): the row fails at once; the message is acked;
 * - transient (5xx, network, timeouts, refused token refresh, S3 or database hiccups): retry with
 *   backoff, the attempt counted in the row; the last attempt fails the row and dead-letters.
 */
import type { TransactionRow } from "../../lib/bill.ts";
import type { Logger } from "../../lib/logger.ts";
import { markDeliveryFailed, markRetryScheduled, releaseClaim } from "../../lib/transactions.ts";
import { PermanentDeliveryError } from "./errors.ts";
import { backoffSeconds, throttleDeferSeconds } from "./retry-policy.ts";
import type { HandlerDeps, InboundMessage, Outcome } from "./types.ts";
import { TokenRefreshError, ZohoPermanentError, ZohoThrottledError } from "./zoho/errors.ts";

export interface FailedAttempt {
  readonly err: unknown;
  readonly row: TransactionRow;
  /** This attempt's number (retry_count + 1). */
  readonly attempt: number;
  readonly message: InboundMessage;
}

export async function outcomeOfFailure(failed: FailedAttempt, deps: HandlerDeps, log: Logger): Promise<Outcome> {
  const { err, row, attempt } = failed;
  if (err instanceof ZohoThrottledError) {
    // A 429 (or a slot we never got) means Zoho applied nothing: undo this attempt's write stamp so
    // the next attempt still creates in one call instead of looking first.
    await releaseClaim(deps.db, row.id, row.last_attempt_at === null);
    deps.metrics.record("PDFsProcessed", 1, "Count", { Outcome: "throttled" });
    const delaySeconds = throttleDeferSeconds(err.retryAfterMs);
    log.info({ source: err.source, delaySeconds }, "throttled; delaying the message without spending an attempt");
    return { action: "defer", delaySeconds, reason: `throttled (${err.source})` };
  }
  const text = err instanceof Error ? err.message : String(err);
  if (err instanceof PermanentDeliveryError || err instanceof ZohoPermanentError) {
    await markDeliveryFailed(deps.db, row.id, text);
    deps.metrics.record("PDFsProcessed", 1, "Count", { Outcome: "failed" });
    log.error({ err, attempt }, "bill failed permanently");
    return { action: "ack", result: "failed" };
  }
  return outcomeOfTransient(failed, text, deps, log);
}

/** Retry with backoff, or, when the budget is spent, fail the row and dead-letter the message. */
async function outcomeOfTransient(
  { err, row, attempt, message }: FailedAttempt,
  text: string,
  deps: HandlerDeps,
  log: Logger,
): Promise<Outcome> {
  const { settings, db, metrics } = deps;
  const budget = settings.WORKER_MAX_RECEIVES;
  if (attempt >= budget || message.receiveCount >= budget) {
    const reason = `gave up after ${attempt} attempts: ${text}`;
    await markDeliveryFailed(db, row.id, reason);
    metrics.record("PDFsProcessed", 1, "Count", { Outcome: "failed" });
    log.error({ err, attempt }, "retry budget spent; bill failed and its message goes to the DLQ");
    return { action: "deadletter", reason };
  }
  const retryCount = await markRetryScheduled(db, row.id, text);
  const delaySeconds = backoffSeconds(retryCount, settings.WORKER_RETRY_BASE_S, settings.WORKER_RETRY_MAX_S);
  metrics.record("PDFsProcessed", 1, "Count", { Outcome: "retry" });
  log.warn(
    { err: err instanceof TokenRefreshError ? { message: err.message } : err, attempt, delaySeconds },
    "transient failure; retrying later",
  );
  return { action: "retry", delaySeconds, reason: text };
}
