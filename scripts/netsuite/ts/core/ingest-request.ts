/**
 * Builds the POST /api/v1/bills request exactly as the ingest service expects it (service/README.md):
 * a JSON string body (signed byte for byte), the API key from an API Secret, and optional Standard
 * Webhooks signing headers. Nothing here calls the network.
 */
import type { ClientConfig } from "./config.ts";
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

/**
 * Standard Webhooks id: stable for one bill's file, so every retry of the same delivery carries the
 * same id (the service may use it to drop replays; the timestamp still changes per attempt).
 */
export function webhookId(netsuiteBillId: string, fileName: string): string {
  return `msg_ns_${netsuiteBillId}_${fileName}`.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 200);
}

/**
 * v1 signature = base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)). The key is the API Secret's
 * value decoded from base64: store the service's secret without its "whsec_" prefix.
 */
export function sign(
  n: Pick<NModules, "crypto" | "encode">,
  signingSecretId: string,
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  const key = n.crypto.createSecretKey({ secret: signingSecretId, encoding: n.encode.Encoding.BASE_64 });
  const hmac = n.crypto.createHmac({ algorithm: n.crypto.HashAlg.SHA256, key });
  hmac.update({ input: `${id}.${timestampSeconds}.${body}`, inputEncoding: n.encode.Encoding.UTF_8 });
  return `v1,${hmac.digest({ outputEncoding: n.encode.Encoding.BASE_64 })}`;
}

/**
 * The three Standard Webhooks headers when a signing secret is configured, else none. The service
 * verifies every request made with a signing key, GETs included (over an empty body).
 */
export function signatureHeaders(
  n: Pick<NModules, "crypto" | "encode">,
  config: Pick<ClientConfig, "signingSecretId">,
  id: string,
  nowMs: number,
  body: string,
): Record<string, string> {
  if (!config.signingSecretId) return {};
  const timestamp = Math.floor(nowMs / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": sign(n, config.signingSecretId, id, timestamp, body),
  };
}

export function buildBillRequest(
  n: Pick<NModules, "crypto" | "encode" | "https">,
  config: Pick<ClientConfig, "baseUrl" | "apiKeySecretId" | "signingSecretId">,
  payload: BillPayload,
  nowMs: number,
): BuiltRequest {
  const body = JSON.stringify(payload);
  const headers: Record<string, string | SecureString> = {
    "Content-Type": "application/json",
    Accept: "application/json",
    "x-api-key": apiKeyHeader(n, config),
    ...signatureHeaders(n, config, webhookId(payload.netsuiteBillId, payload.fileName), nowMs, body),
  };
  return { url: config.baseUrl + BILLS_PATH, body, headers };
}

/** GET /api/v1/transactions/:id, signed over the empty body when signing is on. */
export function buildStatusRequest(
  n: Pick<NModules, "crypto" | "encode" | "https">,
  config: Pick<ClientConfig, "baseUrl" | "apiKeySecretId" | "signingSecretId">,
  transactionId: string,
  nowMs: number,
): Omit<BuiltRequest, "body"> {
  const id = `msg_ns_status_${transactionId}_${nowMs}`.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 200);
  return {
    url: transactionUrl(config, transactionId),
    headers: {
      Accept: "application/json",
      "x-api-key": apiKeyHeader(n, config),
      ...signatureHeaders(n, config, id, nowMs, ""),
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
  const id = `msg_ns_statuses_${netsuiteBillIds[0]}_${netsuiteBillIds.length}_${nowMs}`.replace(
    /[^A-Za-z0-9_.-]/g,
    "_",
  );
  return {
    url: config.baseUrl + STATUS_BATCH_PATH,
    body,
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "x-api-key": apiKeyHeader(n, config),
      ...signatureHeaders(n, config, id.slice(0, 200), nowMs, body),
    },
  };
}
