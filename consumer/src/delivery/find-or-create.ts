/**
 * Find or create: puts one claimed bill into Zoho Books with its PDF, exactly once across attempts.
 * - the row already has zoho_bill_id (an earlier attempt got that far), or the payload names
 *   zohoBillId: get that bill;
 * - an earlier attempt may have written (last_attempt_at set), or there are no details: look it up;
 * - otherwise (a first attempt) nothing can exist yet: create it, with the PDF in the same call or
 *   right after it (create-mode.ts). A 400 from create may be Zoho's duplicate-bill-number answer
 *   (no code for it is documented): the bill is looked up by vendor + bill number, and if it exists
 *   the PDF is attached to it; otherwise Zoho's answer fails the bill.
 * After the create (or on finding the bill), Zoho's total is compared with NetSuite's (total-check.ts).
 * Zoho's ids are saved the moment Zoho returns them, and last_attempt_at is stamped before every
 * Zoho write, so a retry after a crash looks before it writes.
 */
import { setTimeout as wait } from "node:timers/promises";
import type { BillDetails, BillTarget, TransactionRow } from "../../../lib/bill.ts";
import { markZohoWriteStarted, recordZohoIds } from "../../../lib/transactions.ts";
import { PermanentDeliveryError } from "../errors.ts";
import { throttleWaitMs } from "../retry-policy.ts";
import type { HandlerDeps } from "../types.ts";
import { ZohoPermanentError, ZohoThrottledError } from "../zoho/errors.ts";
import type { CallContext, FileSource, ZohoBill, ZohoBillInput } from "../zoho/types.ts";
import { createModeFor, hasDocument, rememberTwoCall } from "./create-mode.ts";
import { fileSource } from "./file-source.ts";
import { findBill, findByNumber, findDocument, withDocuments } from "./find-bill.ts";
import { recordTotals } from "./total-check.ts";
import { toZohoBillInput } from "./zoho-bill-input.ts";
import { resolveZohoIds } from "./zoho-ids.ts";

export interface DeliveredIds {
  readonly billId: string;
  readonly documentId: string | null;
}

/** findOrCreateBill, with Zoho 429s inside the throttle budget waited out in-process (heartbeats keep the message hidden). */
export async function deliverToZoho(row: TransactionRow, deps: HandlerDeps, ctx: CallContext): Promise<DeliveredIds> {
  for (;;) {
    try {
      return await findOrCreateBill(row, deps, ctx);
    } catch (err) {
      if (!(err instanceof ZohoThrottledError) || err.source !== "zoho") throw err;
      const waitMs = throttleWaitMs(err.retryAfterMs);
      if (Date.now() + waitMs > ctx.deadline || ctx.signal?.aborted) throw err;
      ctx.log.info({ waitMs, zohoCode: err.zohoCode }, "zoho throttled; waiting in-process");
      await wait(waitMs, undefined, { signal: ctx.signal }).catch(() => {
        throw err;
      });
    }
  }
}

export async function findOrCreateBill(
  row: TransactionRow,
  deps: HandlerDeps,
  ctx: CallContext,
): Promise<DeliveredIds> {
  const { zoho } = deps;
  const target: BillTarget = row.bill ?? {};
  const file = fileSource(row, deps.s3);
  // An earlier attempt stamped last_attempt_at before a Zoho write: it may have landed.
  const mayExist = row.last_attempt_at !== null || row.zoho_bill_id !== null;

  let bill: ZohoBill | null = null;
  if (row.zoho_bill_id) {
    bill = await zoho.getBill(row.zoho_bill_id, ctx);
  } else if (target.zohoBillId) {
    bill = await zoho.getBill(target.zohoBillId, ctx);
    if (!bill) throw new PermanentDeliveryError(`Zoho bill ${target.zohoBillId} (from the payload) does not exist`);
  } else if (mayExist || !target.details) {
    bill = await findBill(target, zoho, ctx);
  }
  if (bill) {
    await recordTotals(row, bill.total, target.details, deps, ctx);
    return attachOnce(row, bill, file, deps, ctx);
  }
  if (!target.details) {
    throw new PermanentDeliveryError(
      "no Zoho bill matches the payload's reference and the payload has no bill details to create one",
    );
  }
  return createWithAttachment(row, target, target.details, file, deps, ctx);
}

/** A first attempt: create the bill (and its PDF, by the create mode); a taken bill number falls back to attaching. */
async function createWithAttachment(
  row: TransactionRow,
  target: BillTarget,
  details: BillDetails,
  file: FileSource,
  deps: HandlerDeps,
  ctx: CallContext,
): Promise<DeliveredIds> {
  const input = toZohoBillInput(target, details, await resolveZohoIds(details, deps, ctx));
  await markZohoWriteStarted(deps.db, row.id);
  let created: ZohoBill;
  try {
    created = await createBill(input, file, deps, ctx);
  } catch (err) {
    // Zoho documents no code for a taken bill number: any 400 is checked by looking the bill up.
    if (!(err instanceof ZohoPermanentError) || err.status !== 400) throw err;
    // Only vendor + bill number: a reference number match would not prove the number is taken.
    const existing = await findByNumber(input.bill_number, input.vendor_id, deps.zoho, ctx);
    if (!existing) throw err;
    ctx.log.info({ zohoBillId: existing.bill_id }, "bill number already in Zoho; attaching to that bill");
    await recordTotals(row, existing.total, details, deps, ctx);
    return attachOnce(row, existing, file, deps, ctx);
  }
  const documentId = findDocument(created, row.file_name)?.document_id ?? null;
  await recordZohoIds(deps.db, row.id, created.bill_id, documentId);
  await recordTotals(row, created.total, details, deps, ctx);
  if (documentId) return { billId: created.bill_id, documentId };
  return attachOnce(row, created, file, deps, ctx);
}

/** The create call of the fleet's mode; auto learns from an answer that shows no document. */
async function createBill(
  input: ZohoBillInput,
  file: FileSource,
  deps: HandlerDeps,
  ctx: CallContext,
): Promise<ZohoBill> {
  const mode = await createModeFor(deps.redis, deps.settings);
  if (mode === "two-call") return deps.zoho.createBill(input, ctx);
  const created = await deps.zoho.createBillWithAttachment(input, file, ctx);
  if (!hasDocument(created, file.fileName) && (await rememberTwoCall(deps.redis, deps.settings))) {
    ctx.log.warn(
      { zohoBillId: created.bill_id },
      "Zoho created the bill without the attachment sent with it; the fleet switches to two calls",
    );
  }
  return created;
}

/** Attaches the PDF unless the bill's documents already hold our file name (an earlier attempt did). */
async function attachOnce(
  row: TransactionRow,
  bill: ZohoBill,
  file: FileSource,
  deps: HandlerDeps,
  ctx: CallContext,
): Promise<DeliveredIds> {
  await recordZohoIds(deps.db, row.id, bill.bill_id, null);
  const full = bill.has_attachment === false ? bill : await withDocuments(bill, deps.zoho, ctx);
  const already = findDocument(full, row.file_name);
  if (already) {
    ctx.log.info({ zohoBillId: bill.bill_id }, "PDF already attached by an earlier attempt; not attaching again");
    return { billId: bill.bill_id, documentId: already.document_id };
  }
  await markZohoWriteStarted(deps.db, row.id);
  await deps.zoho.addAttachment(bill.bill_id, file, ctx);
  return { billId: bill.bill_id, documentId: null };
}
