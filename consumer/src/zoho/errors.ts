/**
 * Zoho failures as named classes (classify.ts decides which): the failure policy branches on the
 * class, never on message text. Each class says how the message should be treated:
 * - ZohoThrottledError: defer, never counts against the retry budget (429 codes 44/45/1070, or our limiter)
 * - ZohoTransientError: retry with backoff (5xx, network, timeout, a second 401; a first 401 refreshes the token)
 * - ZohoPermanentError: fail now with Zoho's message (validation, unknown vendor, file rejected)
 * - TokenRefreshError: the accounts server refused the refresh token; transient for the message, trips the breaker
 */

/** Zoho's 429 body codes. @see https://www.zoho.com/books/api/v3/introduction/ */
export const ZOHO_CODE_PER_MINUTE = 44;
export const ZOHO_CODE_DAILY = 45;
export const ZOHO_CODE_CONCURRENCY = 1070;

export interface ZohoErrorDetails {
  readonly operation: string;
  readonly status?: number | undefined;
  readonly zohoCode?: number | undefined;
}

export class ZohoError extends Error {
  readonly operation: string;
  readonly status: number | undefined;
  readonly zohoCode: number | undefined;
  constructor(message: string, details: ZohoErrorDetails, options?: ErrorOptions) {
    super(message, options);
    this.name = "ZohoError";
    this.operation = details.operation;
    this.status = details.status;
    this.zohoCode = details.zohoCode;
  }
}

export class ZohoThrottledError extends ZohoError {
  /** How long to hold off, derived from the body code (Zoho sends no Retry-After). */
  readonly retryAfterMs: number;
  /** "zoho" when Zoho answered 429; "limiter" when our own fleet limiter had no slot in time. */
  readonly source: "zoho" | "limiter" | "breaker";
  constructor(
    retryAfterMs: number,
    source: "zoho" | "limiter" | "breaker",
    details: ZohoErrorDetails,
    options?: ErrorOptions,
  ) {
    super(
      `Zoho rate limit (${source}${details.zohoCode ? ` code ${details.zohoCode}` : ""}); retry in ${retryAfterMs} ms`,
      details,
      options,
    );
    this.name = "ZohoThrottledError";
    this.retryAfterMs = retryAfterMs;
    this.source = source;
  }
}

export class ZohoTransientError extends ZohoError {
  constructor(message: string, details: ZohoErrorDetails, options?: ErrorOptions) {
    super(message, details, options);
    this.name = "ZohoTransientError";
  }
}

export class ZohoPermanentError extends ZohoError {
  constructor(message: string, details: ZohoErrorDetails, options?: ErrorOptions) {
    super(message, details, options);
    this.name = "ZohoPermanentError";
  }
}

export class TokenRefreshError extends Error {
  /** Zoho's `error` value (invalid_code, invalid_client, Access Denied) or a network failure. */
  readonly reason: string;
  constructor(reason: string, options?: ErrorOptions) {
    super(`Zoho OAuth token refresh failed: ${reason}`, options);
    this.name = "TokenRefreshError";
    this.reason = reason;
  }
}
