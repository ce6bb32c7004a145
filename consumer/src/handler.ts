/**
 * handleBill: the one job, shared by the sqs-consumer worker and the Lambda. Takes one SQS message
 * and returns what to do with it (types.ts Outcome); the entry point applies it (sqs-actions.ts).
 * Exactly-once effect on top of at-least-once SQS:
 * - a Redis lock per transaction keeps two workers off the same bill at the same time (a held
 *   lock defers the message);
 * - a settled row (success/failed) is acknowledged without calling Zoho;
 * - delivery/find-or-create.ts looks before it writes whenever an earlier attempt may have written;
 * - a failed attempt goes through failure-policy.ts (defer, fail, retry or dead-letter).
 */
import { BillMessage, type TransactionRow } from "../../lib/bill.ts";
import type { Logger } from "../../lib/logger.ts";
import { fileSizeBucket } from "../../lib/metrics.ts";
import { copyObject, markStoredOnce } from "../../lib/storage.ts";
import { inSegment } from "../../lib/tracing.ts";
import { claimForDelivery, findTransaction, markDelivered } from "../../lib/transactions.ts";
import { type DeliveredIds, deliverToZoho } from "./delivery/find-or-create.ts";
import { outcomeOfFailure } from "./failure-policy.ts";
import { lockDeferSeconds } from "./retry-policy.ts";
import { acquireTxLock } from "./tx-lock.ts";
import type { HandlerDeps, InboundMessage, Outcome } from "./types.ts";
import type { CallContext } from "./zoho/types.ts";

export async function handleBill(message: InboundMessage, deps: HandlerDeps): Promise<Outcome> {
  let parsed: BillMessage;
  try {
    parsed = BillMessage.parse(JSON.parse(message.body));
  } catch (err) {
    deps.log.error({ err, messageId: message.messageId }, "unreadable bill message; dead-lettering it");
    return { action: "deadletter", reason: `unreadable message: ${(err as Error).message.slice(0, 200)}` };
  }
  return inSegment(deps.settings.XRAY_ENABLED === true, "deliver-bill", () => handleParsed(parsed, message, deps));
}

async function handleParsed(msg: BillMessage, message: InboundMessage, deps: HandlerDeps): Promise<Outcome> {
  const log = deps.log.child({ transactionId: msg.transactionId, netsuiteBillId: msg.netsuiteBillId });
  const lock = await acquireTxLock(deps.redis, msg.transactionId, deps.settings.WORKER_VISIBILITY_TIMEOUT_S * 1000);
  if (!lock.acquired) {
    // Another worker is on this bill (a duplicate message, or a crashed worker whose lock has not
    // lapsed yet). Come back after the lock would lapse; never drop it, the holder may be dead.
    log.info({ heldForMs: lock.heldForMs }, "another worker holds this bill; deferring the message");
    return { action: "defer", delaySeconds: lockDeferSeconds(lock.heldForMs), reason: "locked" };
  }
  const started = performance.now();
  try {
    const row = await claimForDelivery(deps.db, msg.transactionId);
    if (row) return await tryDelivery(row, message, deps, log, started);
    const existing = await findTransaction(deps.db, msg.transactionId);
    if (!existing) {
      log.error("no transaction row for this message; acknowledging it");
      return { action: "ack", result: "unknown" };
    }
    log.info({ status: existing.status }, "bill already settled; acknowledging without calling Zoho");
    return { action: "ack", result: existing.status === "success" ? "already-delivered" : "already-failed" };
  } finally {
    await lock.release().catch((err) => log.warn({ err }, "could not release the transaction lock"));
  }
}

/** One attempt on a claimed row: deliver, then finish; any failure goes to the failure policy. */
async function tryDelivery(
  row: TransactionRow,
  message: InboundMessage,
  deps: HandlerDeps,
  log: Logger,
  started: number,
): Promise<Outcome> {
  const attempt = row.retry_count + 1;
  const ctx: CallContext = {
    transactionId: row.id,
    deadline: Date.now() + deps.settings.WORKER_MAX_THROTTLE_WAIT_MS,
    signal: deps.signal,
    log,
    calls: 0,
  };
  try {
    const ids = await deliverToZoho(row, deps, ctx);
    await finish(row, ids, deps, log);
    const ms = performance.now() - started;
    deps.metrics.record("PDFProcessingTime", ms, "Milliseconds", { FileSize: fileSizeBucket(row.file_size) });
    deps.metrics.record("PDFsProcessed", 1, "Count", { Outcome: "success" });
    deps.metrics.record("ZohoCallsPerBill", ctx.calls, "Count");
    log.info(
      { zohoBillId: ids.billId, durationMs: Math.round(ms), zohoCalls: ctx.calls, attempt },
      "bill delivered to Zoho Books",
    );
    return { action: "ack", result: "delivered" };
  } catch (err) {
    return await outcomeOfFailure({ err, row, attempt, message }, deps, log);
  }
}

/**
 * The bill is in Zoho: keep the PDF in the processed bucket, mark the row success with Zoho's ids,
 * then tag the incoming copy so its lifecycle expires it (store once, docs/adr/0009). The tag comes
 * last, so a PDF becomes disposable only once a redelivery would no longer copy it; a failed tag
 * does not fail the delivery (the 400-day backstop still removes the object).
 */
async function finish(row: TransactionRow, ids: DeliveredIds, deps: HandlerDeps, log: Logger): Promise<void> {
  const { settings } = deps;
  const incoming = { bucket: row.s3_bucket, key: row.s3_key };
  await copyObject(deps.s3, incoming, { bucket: settings.PROCESSED_BUCKET, key: row.s3_key }, settings.S3_KMS_KEY_ID);
  await markDelivered(deps.db, row.id, ids.billId, ids.documentId);
  await markStoredOnce(deps.s3, incoming).catch((err) => {
    log.warn({ err, ...incoming }, "could not tag the incoming PDF stored-once; the backstop expiry will remove it");
    deps.metrics.record("StoredOnceTagFailures", 1, "Count");
  });
}
