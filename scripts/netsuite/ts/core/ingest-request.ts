/**
 * Builds the POST /api/v1/bills request exactly as the ingest service expects it (service/README.md):
 * a JSON string body (signed byte for byte), the API key from an API Secret, and optional Standard
 * Webhooks signing headers. Nothing here calls the network.
 */
import type { ClientConfig } from "./config.ts";
import { signatureHeaders } from "./signing.ts";
import type { NModules, SecureString } from "./types.ts";

export const BILLS_PATH = "/api/v1/bills";
export const TRANSACTIONS_PATH = "/api/v1/transactions";
/** Batch status lookup: up to STATUS_BATCH_SIZE NetSuite bill ids per call (service/src/schemas/transaction-status.ts). */
export const STATUS_BATCH_PATH = "/api/v1/transactions/status";
export const STATUS_BATCH_SIZE = 100;

/** A NetSuite record on a line: internal id, and the name people see (lib/bill.ts NetsuiteRef). */
export interface NetsuiteRef {
  readonly id: string;
  readonly name?: string;
}

/** Segments and legacy tax a line may carry, each only where set. */
interface LineExtras {
  readonly department?: NetsuiteRef;
  readonly class?: NetsuiteRef;
  readonly location?: NetsuiteRef;
  readonly taxCode?: NetsuiteRef;
  /** The line's tax (tax1amt), on top of amount. */
  readonly taxAmount?: number;
}

/** One line of the expense sublist (lib/bill.ts ExpenseLine). Amounts in major units, before tax. */
export interface ExpenseLine extends LineExtras {
  readonly account: NetsuiteRef;
  readonly amount: number;
  readonly memo?: string;
}

/** One line of the item sublist (lib/bill.ts ItemLine): quantity × rate = amount. */
export interface ItemLine extends LineExtras {
  readonly item: NetsuiteRef;
  readonly quantity: number;
  readonly rate: number;
  readonly amount: number;
  readonly description?: string;
}

/**
 * Bill fields the worker uses to create the bill in Zoho Books (lib/bill.ts BillDetails). Money is a
 * JSON number in major units with the currency's decimals; the service reads it as an exact decimal.
 */
export interface BillDetails {
  readonly billNumber: string;
  readonly vendorName?: string;
  readonly vendorId?: string;
  readonly referenceNumber?: string;
  /** YYYY-MM-DD */
  readonly date?: string;
  /** YYYY-MM-DD */
  readonly dueDate?: string;
  /** ISO 4217, e.g. USD */
  readonly currencyCode?: string;
  /** Base-currency units per unit of currencyCode (NetSuite exchangerate). */
  readonly exchangeRate?: number;
  /** Including tax (NetSuite usertotal). */
  readonly total?: number;
  /** NetSuite taxtotal. */
  readonly taxTotal?: number;
  readonly expenseLines?: readonly ExpenseLine[];
  readonly itemLines?: readonly ItemLine[];
}

export interface BillPayload {
  readonly netsuiteBillId: string;
  readonly fileName: string;
  readonly mimeType: "application/pdf";
  readonly base64Data: string;
  /** Attach to this existing Zoho bill (the service refuses it together with billDetails). */
  readonly zohoBillId?: string;
  /** What the worker needs to find or create the bill in Zoho Books. */
  readonly billDetails?: BillDetails;
}

export interface BuiltRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Record<string, string | SecureString>;
}

/** `{custsecret_x}` inside a SecureString is swapped for the secret's value by NetSuite on send. */
export function apiKeyHeader(n: Pick<NModules, "https">, config: Pick<ClientConfig, "apiKeySecretId">): SecureString {
  return n.https.createSecureString({ input: `{${config.apiKeySecretId}}` });
}

export function buildBillRequest(
  n: Pick<NModules, "crypto" | "encode" | "https">,
  config: Pick<ClientConfig, "baseUrl" | "apiKeySecretId" | "signingSecretId">,
  payload: BillPayload,
  nowMs: number,
): BuiltRequest {
  const body = JSON.stringify(payload);
  const url = config.baseUrl + BILLS_PATH;
  const headers: Record<string, string | SecureString> = {
    "Content-Type": "application/json",
    Accept: "application/json",
    "x-api-key": apiKeyHeader(n, config),
    ...signatureHeaders(n, config, `${payload.netsuiteBillId}_${payload.fileName}`, nowMs, {
      method: "POST",
      url,
      body,
    }),
  };
  return { url, body, headers };
}

/** GET /api/v1/transactions/:id, signed over the empty body when signing is on. */
export function buildStatusRequest(
  n: Pick<NModules, "crypto" | "encode" | "https">,
  config: Pick<ClientConfig, "baseUrl" | "apiKeySecretId" | "signingSecretId">,
  transactionId: string,
  nowMs: number,
): Omit<BuiltRequest, "body"> {
  const url = transactionUrl(config, transactionId);
  return {
    url,
    headers: {
      Accept: "application/json",
      "x-api-key": apiKeyHeader(n, config),
      ...signatureHeaders(n, config, `status_${transactionId}`, nowMs, { method: "GET", url, body: "" }),
    },
  };
}

export function transactionUrl(config: Pick<ClientConfig, "baseUrl">, transactionId: string): string {
  return `${config.baseUrl}${TRANSACTIONS_PATH}/${encodeURIComponent(transactionId)}`;
}

/** POST /api/v1/transactions/status {netsuiteBillIds}: the service's view of up to 100 bills in one call. */
export function buildStatusBatchRequest(
  n: Pick<NModules, "crypto" | "encode" | "https">,
  config: Pick<ClientConfig, "baseUrl" | "apiKeySecretId" | "signingSecretId">,
  netsuiteBillIds: readonly string[],
  nowMs: number,
): BuiltRequest {
  if (netsuiteBillIds.length === 0 || netsuiteBillIds.length > STATUS_BATCH_SIZE) {
    throw new RangeError(`a status call takes 1 to ${STATUS_BATCH_SIZE} bill ids, not ${netsuiteBillIds.length}`);
  }
  const body = JSON.stringify({ netsuiteBillIds });
  const url = config.baseUrl + STATUS_BATCH_PATH;
  const subject = `statuses_${netsuiteBillIds[0]}_${netsuiteBillIds.length}`;
  return {
    url,
    body,
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "x-api-key": apiKeyHeader(n, config),
      ...signatureHeaders(n, config, subject, nowMs, { method: "POST", url, body }),
    },
  };
}
