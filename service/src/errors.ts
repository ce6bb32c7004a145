/**
 * Coded errors in Fastify's style (code, message, statusCode; the shape is lib/errors.ts's
 * CodedError). The one error handler in app.ts sends `message` for 4xx and "Internal Server
 * Error" for 5xx; clients branch on `code`.
 */
import { CodedError } from "../../lib/errors.ts";

export class ServiceError extends CodedError {
  declare readonly statusCode: number;
  /** Extra fields for the JSON error body (never secrets). */
  readonly details: Readonly<Record<string, string>> | undefined;
  constructor(code: string, statusCode: number, message: string, details?: Record<string, string>) {
    super(code, message, { statusCode });
    this.details = details;
  }
}

type Factory<A extends unknown[]> = ((...args: A) => ServiceError) & { readonly code: string };
function coded<A extends unknown[]>(code: string, statusCode: number, message: (...args: A) => string): Factory<A> {
  return Object.assign((...args: A) => new ServiceError(code, statusCode, message(...args)), { code });
}

export const ERR_UNAUTHORIZED = coded("ERR_UNAUTHORIZED", 401, () => "Missing or invalid API key");
export const ERR_BAD_SIGNATURE = coded("ERR_BAD_SIGNATURE", 401, (why: string) => `Request signature rejected: ${why}`);
export const ERR_AUTH_RATE_LIMITED = coded(
  "ERR_AUTH_RATE_LIMITED",
  429,
  () => "Too many failed authentication attempts from this address",
);
export const ERR_RATE_LIMITED = coded(
  "ERR_RATE_LIMITED",
  429,
  (after: string) => `Rate limit exceeded, retry in ${after}`,
);
export const ERR_INVALID_JSON = coded("ERR_INVALID_JSON", 400, () => "Body is not valid JSON");
export const ERR_INVALID_TEXT = coded(
  "ERR_INVALID_TEXT",
  400,
  (where: string) => `Text must not contain NUL (U+0000) or unpaired UTF-16 surrogates: found in ${where}`,
);
export const ERR_INVALID_BASE64 = coded(
  "ERR_INVALID_BASE64",
  400,
  (why: string) => `base64Data is not valid base64: ${why}`,
);
export const ERR_INVALID_BILL_TARGET = coded("ERR_INVALID_BILL_TARGET", 400, (why: string) => why);
export const ERR_BILL_TOO_LARGE = coded(
  "ERR_BILL_TOO_LARGE",
  413,
  (size: number, max: number) => `Decoded PDF would be ${size} bytes; the limit is ${max}`,
);
export const ERR_NOT_PDF = coded("ERR_NOT_PDF", 415, (why: string) => why);
export const ERR_NOT_FOUND = coded("ERR_NOT_FOUND", 404, (what: string) => `${what} not found`);

/** Without transactionId when the bill belongs to another key group (its id is not the caller's to know). */
export function billConflict(netsuiteBillId: string, transactionId?: string): ServiceError {
  if (!transactionId) {
    return new ServiceError("ERR_BILL_CONFLICT", 409, `netsuiteBillId ${netsuiteBillId} was already accepted`);
  }
  return new ServiceError(
    "ERR_BILL_CONFLICT",
    409,
    `netsuiteBillId ${netsuiteBillId} was already accepted with different content`,
    { transactionId },
  );
}
