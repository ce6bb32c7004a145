/**
 * What happened to one bill, and how that is written back to the vendor bill's custom body fields.
 * getInputData picks up bills whose status is empty or RETRY; the status script (status-sync.ts)
 * turns SENT into DELIVERED or FAILED once the service knows; every other status needs a person.
 */

/** Custom body fields on the vendor bill (src/Objects/custbody_mw_*.xml). */
export const BILL_FIELDS = {
  transactionId: "custbody_mw_txn_id",
  status: "custbody_mw_status",
  error: "custbody_mw_error",
  zohoBillId: "custbody_mw_zoho_bill_id",
} as const;

export const DELIVERY_STATUSES = [
  "SENT",
  "DELIVERED",
  "FAILED",
  "RETRY",
  "CONFLICT",
  "REJECTED",
  "SKIPPED",
  "ERROR",
] as const;
/**
 * SENT: the service accepted the PDF (202) or already had it (200); the transaction id is stored.
 *   The outcome in Zoho is not known yet.
 * DELIVERED: the bill exists in Zoho Books with its PDF; custbody_mw_zoho_bill_id holds its id.
 * FAILED: the service gave up on the bill (custbody_mw_error says why); an operator can retry it
 *   there, and the status script then sets SENT and later DELIVERED.
 * RETRY: transient (429, 5xx, network, 401/403, governance or time budget); the next run tries again.
 * CONFLICT: 409, the service holds different bytes for this bill id.
 * REJECTED: another 4xx; the request itself is wrong (the message says why).
 * SKIPPED: not sent at all (file over the size limit, or not a PDF).
 * ERROR: an unexpected failure inside NetSuite (for example the file cannot be loaded).
 */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** What sending can end in (the Map/Reduce and the Suitelet); DELIVERED and FAILED come later. */
export const SEND_STATUSES = ["SENT", "RETRY", "CONFLICT", "REJECTED", "SKIPPED", "ERROR"] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

/** Statuses the Map/Reduce input search treats as "not yet sent": bills it retries on its next run. */
export const RETRY_STATUSES: readonly DeliveryStatus[] = ["RETRY"];

export interface Outcome {
  readonly billId: string;
  readonly status: SendStatus;
  /** Human-readable reason, written to custbody_mw_error unless status is SENT. */
  readonly message: string;
  readonly transactionId?: string;
  readonly statusUrl?: string;
  /** Last HTTP status seen, if a request was made. */
  readonly httpStatus?: number;
  /** POSTs made for this bill in this run. */
  readonly attempts: number;
}

/** Longest error text written to the bill (the field is a text area; keep the record readable). */
export const MAX_ERROR_LENGTH = 3900;

/** Values for record.submitFields. The transaction id is only written when there is one. */
export function billFieldValues(outcome: Outcome): Record<string, string> {
  const values: Record<string, string> = {
    [BILL_FIELDS.status]: outcome.status,
    [BILL_FIELDS.error]: outcome.status === "SENT" ? "" : truncate(outcome.message, MAX_ERROR_LENGTH),
  };
  if (outcome.transactionId) values[BILL_FIELDS.transactionId] = outcome.transactionId;
  return values;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
