/**
 * handleBill: the one job, shared by the sqs-consumer worker and the Lambda. Takes one SQS message
 * and returns what to do with it (types.ts Outcome). Exactly-once effect on top of at-least-once SQS:
 * - a Redis lock per transaction keeps two workers off the same bill at the same time;
 * - a settled row (success/failed) is acknowledged without calling Zoho;
 * - Zoho's ids are saved the moment Zoho returns them, and last_attempt_at is stamped before every
 *   Zoho write, so a retry after a crash looks the bill up (and checks its documents) before writing;
 * - a first attempt creates the bill with the PDF in one call (no lookup: nothing can exist yet).
 */
import { BillMessage, type BillTarget, type TransactionRow } from "../../lib/bill.ts";
import { fileSizeBucket } from "../../lib/metrics.ts";
import { copyObject, getPdfStream } from "../../lib/storage.ts";
import { inSegment } from "../../lib/tracing.ts";
import {
  claimForDelivery,
  findTransaction,
  markDelivered,
  markDeliveryFailed,
  markRetryScheduled,
  markZohoWriteStarted,
  recordZohoIds,
  releaseClaim,
} from "../../lib/transactions.ts";
import { sleep } from "./redis-script.ts";
import { acquireTxLock } from "./tx-lock.ts";
import type { HandlerDeps, InboundMessage, Outcome } from "./types.ts";
import { TokenRefreshError, ZohoPermanentError, ZohoThrottledError } from "./zoho/errors.ts";
import type { CallContext, FileSource, ZohoBill, ZohoBillInput } from "./zoho/types.ts";

/** A failure no retry can fix (bad payload, unknown vendor, file rejected): the row fails at once. */
export class PermanentDeliveryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentDeliveryError";
  }
}

/** Zoho's code for a bill number already used by this vendor (as the simulator reproduces it). */
const ZOHO_CODE_DUPLICATE_BILL = 13011;
const VENDOR_CACHE_TTL_S = 24 * 3600;

/** Full-jitter exponential backoff in seconds: random in [base, min(max, base * 2^(attempt-1))]. */
export function backoffSeconds(attempt: number, baseS: number, maxS: number): number {
  const ceiling = Math.min(maxS, baseS * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(baseS + Math.random() * Math.max(0, ceiling - baseS)));
}

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
  const { settings, db, metrics } = deps;
  const log = deps.log.child({ transactionId: msg.transactionId, netsuiteBillId: msg.netsuiteBillId });
  const lockTtlMs = settings.WORKER_VISIBILITY_TIMEOUT_S * 1000;
  const lock = await acquireTxLock(deps.redis, msg.transactionId, lockTtlMs);
  if (!lock.acquired) {
    // Another worker is on this bill (a duplicate message, or a crashed worker whose lock has not
    // lapsed yet). Come back after the lock would lapse; never drop it, the holder may be dead.
    log.info({ heldForMs: lock.heldForMs }, "another worker holds this bill; re-sending the message for later");
    return { action: "requeue", delaySeconds: Math.ceil(lock.heldForMs / 1000) + 1, reason: "locked" };
  }
  const started = performance.now();
  try {
    const row = await claimForDelivery(db, msg.transactionId);
    if (!row) {
      const existing = await findTransaction(db, msg.transactionId);
      if (!existing) {
        log.error("no transaction row for this message; acknowledging it");
        return { action: "ack", result: "unknown" };
      }
      log.info({ status: existing.status }, "bill already settled; acknowledging without calling Zoho");
      return { action: "ack", result: existing.status === "success" ? "already-delivered" : "already-failed" };
    }
    const attempt = row.retry_count + 1;
    const ctx: CallContext = {
      transactionId: row.id,
      deadline: Date.now() + settings.WORKER_MAX_THROTTLE_WAIT_MS,
      signal: deps.signal,
      log,
      calls: 0,
    };
    try {
      const ids = await deliverWithThrottleWaits(row, deps, ctx);
      await copyObject(
        deps.s3,
        { bucket: row.s3_bucket, key: row.s3_key },
        { bucket: settings.PROCESSED_BUCKET, key: row.s3_key },
        settings.S3_KMS_KEY_ID,
      );
      await markDelivered(db, row.id, ids.billId, ids.documentId);
      const ms = performance.now() - started;
      metrics.record("PDFProcessingTime", ms, "Milliseconds", { FileSize: fileSizeBucket(row.file_size) });
      metrics.record("PDFsProcessed", 1, "Count", { Outcome: "success" });
      metrics.record("ZohoCallsPerBill", ctx.calls, "Count");
      log.info(
        { zohoBillId: ids.billId, durationMs: Math.round(ms), zohoCalls: ctx.calls, attempt },
        "bill delivered to Zoho Books",
      );
      return { action: "ack", result: "delivered" };
    } catch (err) {
      return await settleFailure(err, row, attempt, message, deps, log);
    }
  } finally {
    await lock.release().catch((err) => log.warn({ err }, "could not release the transaction lock"));
  }
}

async function settleFailure(
  err: unknown,
  row: TransactionRow,
  attempt: number,
  message: InboundMessage,
  deps: HandlerDeps,
  log: HandlerDeps["log"],
): Promise<Outcome> {
  const { settings, db, metrics } = deps;
  if (err instanceof ZohoThrottledError) {
    // A 429 (or a slot we never got) means Zoho applied nothing: undo this attempt's write stamp so
    // the next attempt still creates in one call instead of looking first.
    await releaseClaim(db, row.id, row.last_attempt_at === null);
    metrics.record("PDFsProcessed", 1, "Count", { Outcome: "throttled" });
    const delaySeconds = Math.min(900, Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
    log.info({ source: err.source, delaySeconds }, "throttled; delaying the message without spending an attempt");
    return { action: "requeue", delaySeconds, reason: `throttled (${err.source})` };
  }
  const text = err instanceof Error ? err.message : String(err);
  if (err instanceof PermanentDeliveryError || err instanceof ZohoPermanentError) {
    await markDeliveryFailed(db, row.id, text);
    metrics.record("PDFsProcessed", 1, "Count", { Outcome: "failed" });
    log.error({ err, attempt }, "bill failed permanently");
    return { action: "ack", result: "failed" };
  }
  // Transient: 5xx, network, timeouts, refused token refresh, S3 or database hiccups.
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

/** Zoho 429s inside the throttle budget are waited out here (the message stays hidden by heartbeats). */
async function deliverWithThrottleWaits(row: TransactionRow, deps: HandlerDeps, ctx: CallContext) {
  for (;;) {
    try {
      return await deliver(row, deps, ctx);
    } catch (err) {
      if (!(err instanceof ZohoThrottledError) || err.source !== "zoho") throw err;
      const waitMs = err.retryAfterMs + Math.floor(Math.random() * 250);
      if (Date.now() + waitMs > ctx.deadline || ctx.signal?.aborted) throw err;
      ctx.log.info({ waitMs, zohoCode: err.zohoCode }, "zoho throttled; waiting in-process");
      await sleep(waitMs, ctx.signal).catch(() => {
        throw err;
      });
    }
  }
}

interface DeliveredIds {
  readonly billId: string;
  readonly documentId: string | null;
}

async function deliver(row: TransactionRow, deps: HandlerDeps, ctx: CallContext): Promise<DeliveredIds> {
  const { zoho, db } = deps;
  const target: BillTarget = row.bill ?? {};
  const file = fileSource(row, deps);
  // An earlier attempt stamped last_attempt_at before a Zoho write: it may have landed.
  const mayExist = row.last_attempt_at !== null || row.zoho_bill_id !== null;

  let bill: ZohoBill | null = null;
  if (row.zoho_bill_id) {
    bill = await zoho.getBill(row.zoho_bill_id, ctx);
  } else if (target.zohoBillId) {
    bill = await zoho.getBill(target.zohoBillId, ctx);
    if (!bill) throw new PermanentDeliveryError(`Zoho bill ${target.zohoBillId} (from the payload) does not exist`);
  } else if (mayExist || !target.details) {
    bill = await findBill(target, deps, ctx);
  }

  if (!bill) {
    const details = target.details;
    if (!details) {
      throw new PermanentDeliveryError(
        "no Zoho bill matches the payload's reference and the payload has no bill details to create one",
      );
    }
    const input = await billInput(target, deps, ctx);
    await markZohoWriteStarted(db, row.id);
    try {
      const created = await zoho.createBillWithAttachment(input, file, ctx);
      const doc = findDocument(created, row.file_name);
      await recordZohoIds(db, row.id, created.bill_id, doc?.document_id ?? null);
      return { billId: created.bill_id, documentId: doc?.document_id ?? null };
    } catch (err) {
      // The number is taken: the bill exists (made outside this middleware, or by a lost attempt).
      if (!(err instanceof ZohoPermanentError) || err.zohoCode !== ZOHO_CODE_DUPLICATE_BILL) throw err;
      bill = await findBill(target, deps, ctx, input.vendor_id);
      if (!bill) throw err;
      ctx.log.info({ zohoBillId: bill.bill_id }, "bill number already in Zoho; attaching to that bill");
    }
  }

  await recordZohoIds(db, row.id, bill.bill_id, null);
  const full = bill.has_attachment === false ? bill : await fullBill(bill, deps, ctx);
  const already = findDocument(full, row.file_name);
  if (already) {
    ctx.log.info({ zohoBillId: bill.bill_id }, "PDF already attached by an earlier attempt; not attaching again");
    return { billId: bill.bill_id, documentId: already.document_id };
  }
  await markZohoWriteStarted(db, row.id);
  await zoho.addAttachment(bill.bill_id, file, ctx);
  return { billId: bill.bill_id, documentId: null };
}

async function fullBill(bill: ZohoBill, deps: HandlerDeps, ctx: CallContext): Promise<ZohoBill> {
  if (bill.documents) return bill;
  return (await deps.zoho.getBill(bill.bill_id, ctx)) ?? bill;
}

const findDocument = (bill: ZohoBill, fileName: string) => bill.documents?.find((d) => d.file_name === fileName);

/** Lookup by bill number (with the vendor when known), else by reference number. */
async function findBill(
  target: BillTarget,
  deps: HandlerDeps,
  ctx: CallContext,
  vendorId?: string,
): Promise<ZohoBill | null> {
  const number = target.details?.billNumber;
  if (number) {
    const vendor = vendorId ?? target.details?.vendorId;
    const rows = await deps.zoho.listBills(
      vendor ? { bill_number: number, vendor_id: vendor } : { bill_number: number },
      ctx,
    );
    const exact = rows.filter((b) => b.bill_number === number && (!vendor || !b.vendor_id || b.vendor_id === vendor));
    if (exact.length > 1) {
      throw new PermanentDeliveryError(
        `bill number ${number} matches ${exact.length} Zoho bills; set zohoBillId in the payload`,
      );
    }
    if (exact[0]) return exact[0];
  }
  const reference = target.referenceNumber ?? target.details?.referenceNumber;
  if (reference) {
    const rows = (await deps.zoho.listBills({ reference_number: reference }, ctx)).filter(
      (b) => b.reference_number === reference,
    );
    if (rows.length > 1) {
      throw new PermanentDeliveryError(
        `reference ${reference} matches ${rows.length} Zoho bills; set zohoBillId in the payload`,
      );
    }
    return rows[0] ?? null;
  }
  return null;
}

async function billInput(target: BillTarget, deps: HandlerDeps, ctx: CallContext): Promise<ZohoBillInput> {
  const d = target.details!;
  const vendorId = d.vendorId ?? (await resolveVendor(d.vendorName, deps, ctx));
  const referenceNumber = target.referenceNumber ?? d.referenceNumber;
  return {
    vendor_id: vendorId,
    bill_number: d.billNumber,
    ...(referenceNumber ? { reference_number: referenceNumber } : {}),
    ...(d.date ? { date: d.date } : {}),
    ...(d.dueDate ? { due_date: d.dueDate } : {}),
    ...(d.notes ? { notes: d.notes } : {}),
    ...(d.lineItems?.length
      ? {
          line_items: d.lineItems.map((li) => ({
            ...(li.accountId ? { account_id: li.accountId } : {}),
            ...(li.itemId ? { item_id: li.itemId } : {}),
            ...(li.name ? { name: li.name } : {}),
            ...(li.description ? { description: li.description } : {}),
            rate: li.rate,
            quantity: li.quantity,
          })),
        }
      : {}),
  };
}

/** Vendor name -> contact_id, cached in Redis for a day. Zero or several matches fail permanently. */
async function resolveVendor(name: string | undefined, deps: HandlerDeps, ctx: CallContext): Promise<string> {
  if (!name) throw new PermanentDeliveryError("bill details name no vendor (vendorId or vendorName is required)");
  const key = `zoho:vendor:${name.toLowerCase()}`;
  const cached = await deps.redis.get(key);
  if (cached) return cached;
  const matches = (await deps.zoho.findVendorsByName(name, ctx)).filter(
    (c) => c.contact_name.toLowerCase() === name.toLowerCase() && (c.status ?? "active") === "active",
  );
  if (matches.length === 0)
    throw new PermanentDeliveryError(`unknown vendor: no active Zoho Books vendor named "${name}"`);
  if (matches.length > 1) {
    throw new PermanentDeliveryError(
      `ambiguous vendor: ${matches.length} Zoho Books vendors are named "${name}"; send vendorId instead`,
    );
  }
  const id = matches[0]!.contact_id;
  await deps.redis.set(key, id, "EX", VENDOR_CACHE_TTL_S);
  return id;
}

function fileSource(row: TransactionRow, deps: HandlerDeps): FileSource {
  return {
    fileName: row.file_name,
    contentType: row.mime_type,
    sha256: row.content_sha256,
    open: async () => {
      const obj = await getPdfStream(deps.s3, row.s3_bucket, row.s3_key);
      if (obj.sha256 && obj.sha256 !== row.content_sha256) {
        obj.stream.destroy();
        throw new PermanentDeliveryError(
          `stored object's SHA-256 does not match the transaction (s3://${row.s3_bucket}/${row.s3_key})`,
        );
      }
      return { stream: obj.stream, size: obj.contentLength };
    },
  };
}
