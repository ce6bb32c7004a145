/**
 * What a Zoho answer means, as a pure function of the answer: the client (client.ts) then does the
 * side effects (breaker, fleet pause, metrics) and throws the verdict's error. Zoho sends no
 * Retry-After; a 429's pause comes from its body code. A 2xx whose body code is not 0 is a failure
 * Zoho did not explain, so it is transient.
 * @see https://www.zoho.com/books/api/v3/errors/ and /introduction/ ("API Call Limit")
 */
import { ZOHO_CODE_CONCURRENCY, ZOHO_CODE_DAILY, ZohoPermanentError, ZohoTransientError } from "./errors.ts";

export interface ZohoAnswer {
  readonly operation: string;
  readonly status: number;
  readonly json: Record<string, unknown>;
  /** Statuses that are an answer, not an error (e.g. 404 for a lookup). */
  readonly accept?: readonly number[] | undefined;
}

export interface ClassifyOptions {
  /** Pause after a code 44 (or an unknown code) 429: Zoho's per-minute window. */
  readonly perMinutePauseMs: number;
  /** Epoch ms, for the pause until the next UTC day after a code 45. */
  readonly now: number;
}

interface Common {
  readonly zohoCode: number | null;
  /** Zoho's message, or "HTTP <status>"; null when the call succeeded (what the audit log records). */
  readonly error: string | null;
}

export type Verdict = Common &
  (
    | { readonly kind: "ok" }
    /** An accepted status, or a 401 the client answers with one token refresh. */
    | { readonly kind: "answer" }
    | { readonly kind: "throttled"; readonly pauseMs: number }
    | { readonly kind: "transient"; readonly failure: ZohoTransientError }
    | { readonly kind: "permanent"; readonly failure: ZohoPermanentError }
  );

const DAY_MS = 86_400_000;

/** How long the fleet pauses after a 429 with this body code. */
export function throttlePauseMs(zohoCode: number | null, o: ClassifyOptions): number {
  // Until the next UTC midnight (Zoho's daily quota), at least one minute.
  if (zohoCode === ZOHO_CODE_DAILY) return Math.max(60_000, DAY_MS - (o.now % DAY_MS));
  if (zohoCode === ZOHO_CODE_CONCURRENCY) return 1_000;
  return o.perMinutePauseMs;
}

export function classifyAnswer(answer: ZohoAnswer, o: ClassifyOptions): Verdict {
  const { operation, status, json } = answer;
  const zohoCode = typeof json.code === "number" ? json.code : null;
  const message = typeof json.message === "string" ? json.message : `HTTP ${status}`;
  const is2xx = status >= 200 && status < 300;
  if (is2xx && (zohoCode === null || zohoCode === 0)) return { kind: "ok", zohoCode, error: null };
  const common = { zohoCode, error: message };
  if (answer.accept?.includes(status) || status === 401) return { kind: "answer", ...common };
  if (status === 429) return { kind: "throttled", pauseMs: throttlePauseMs(zohoCode, o), ...common };
  const details = { operation, status, zohoCode: zohoCode ?? undefined };
  if (status >= 500 || is2xx) {
    const failure = new ZohoTransientError(`Zoho ${operation} answered ${status}: ${message}`, details);
    return { kind: "transient", failure, ...common };
  }
  const failure = new ZohoPermanentError(
    `Zoho rejected ${operation}: ${message} (HTTP ${status}, code ${zohoCode ?? "none"})`,
    details,
  );
  return { kind: "permanent", failure, ...common };
}

/** A call that got no answer (connection refused or reset, DNS, timeout): always transient. */
export function classifyNoAnswer(operation: string, err: unknown): ZohoTransientError {
  const message = err instanceof Error ? err.message : String(err);
  return new ZohoTransientError(`Zoho ${operation} failed: ${message}`, { operation }, { cause: err });
}
