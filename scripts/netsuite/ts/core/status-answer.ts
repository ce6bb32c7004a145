/**
 * The service's batch status answer (POST /api/v1/transactions/status) read defensively, and what it
 * means for one vendor bill's custom fields. Pure functions: no N module is called here.
 */
import { errorText } from "./ingest-client.ts";
import { BILL_FIELDS, type DeliveryStatus, MAX_ERROR_LENGTH, truncate } from "./outcome.ts";
import type { HttpsResponse } from "./types.ts";

/** The service's view of one bill (service/src/schemas/transaction-status.ts). */
export interface ServiceStatus {
  readonly netsuiteBillId: string;
  readonly transactionId: string;
  /** pending | processing | success | failed */
  readonly status: string;
  readonly zohoBillId: string | null;
  readonly failureReason: string | null;
  readonly updatedAt: string;
}

export type StatusAnswer =
  | { readonly ok: true; readonly byBillId: ReadonlyMap<string, ServiceStatus>; readonly notFound: readonly string[] }
  | { readonly ok: false; readonly error: string; readonly httpStatus: number };

const text = (v: unknown): string | null => (typeof v === "string" ? v : null);

function toStatus(value: unknown): ServiceStatus | null {
  if (value === null || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  const netsuiteBillId = text(v.netsuiteBillId);
  const status = text(v.status);
  if (!netsuiteBillId || !status) return null;
  return {
    netsuiteBillId,
    transactionId: text(v.transactionId) ?? "",
    status,
    zohoBillId: text(v.zohoBillId),
    failureReason: text(v.failureReason),
    updatedAt: text(v.updatedAt) ?? "",
  };
}

/** 200 with {transactions, notFound}; anything else is an error that stops the run. */
export function readStatusAnswer(response: HttpsResponse): StatusAnswer {
  if (response.code !== 200) return { ok: false, error: errorText(response), httpStatus: response.code };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    return { ok: false, error: "the status answer is not JSON", httpStatus: response.code };
  }
  if (!Array.isArray(json?.transactions)) {
    return { ok: false, error: "the status answer has no transactions list", httpStatus: response.code };
  }
  const byBillId = new Map<string, ServiceStatus>();
  for (const item of json.transactions) {
    const status = toStatus(item);
    if (status) byBillId.set(status.netsuiteBillId, status);
  }
  const notFound = Array.isArray(json.notFound) ? json.notFound.filter((id) => typeof id === "string") : [];
  return { ok: true, byBillId, notFound };
}

/** The delivery fields as the bill holds them now (from the search columns). */
export interface BillFieldsNow {
  readonly billId: string;
  readonly status: string;
  readonly error: string;
  readonly zohoBillId: string;
}

/**
 * The submitFields values that bring the bill up to date with the service, or null when nothing
 * changes (no write, no units): success -> DELIVERED with the Zoho bill id; failed -> FAILED with the
 * reason; pending/processing -> SENT (an operator's retry moves a FAILED bill back to SENT).
 */
export function fieldUpdate(now: BillFieldsNow, service: ServiceStatus): Record<string, string> | null {
  let target: { status: DeliveryStatus; error: string; zohoBillId: string };
  if (service.status === "success") {
    target = { status: "DELIVERED", error: "", zohoBillId: service.zohoBillId ?? "" };
  } else if (service.status === "failed") {
    const reason = service.failureReason || "the middleware gave up on this bill (no reason given)";
    target = { status: "FAILED", error: truncate(reason, MAX_ERROR_LENGTH), zohoBillId: now.zohoBillId };
  } else if (service.status === "pending" || service.status === "processing") {
    target = { status: "SENT", error: "", zohoBillId: now.zohoBillId };
  } else {
    return null; // a status this script does not know: leave the bill as it is
  }
  if (target.status === now.status && target.error === now.error && target.zohoBillId === now.zohoBillId) return null;
  return {
    [BILL_FIELDS.status]: target.status,
    [BILL_FIELDS.error]: target.error,
    [BILL_FIELDS.zohoBillId]: target.zohoBillId,
  };
}
