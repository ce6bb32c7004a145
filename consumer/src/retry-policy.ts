/**
 * How long a bill waits before its next try: pure arithmetic, no I/O, so the policy is tested on
 * its own. A retry counts an attempt (exponential backoff, full jitter); a defer does not (it waits
 * as long as the throttle or the other worker's lock says).
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */

/** SQS's largest DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;

/** Full-jitter exponential backoff in seconds: random in [base, min(max, base * 2^(attempt-1))]. */
export function backoffSeconds(attempt: number, baseS: number, maxS: number, random = Math.random): number {
  const ceiling = Math.min(maxS, baseS * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(baseS + random() * Math.max(0, ceiling - baseS)));
}

/** Defer after a throttle: as long as Zoho or the limiter asked, in whole seconds within SQS's range. */
export function throttleDeferSeconds(retryAfterMs: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(retryAfterMs / 1000)));
}

/** Defer while another worker holds the bill: until its lock would lapse, plus a second. */
export function lockDeferSeconds(heldForMs: number): number {
  return Math.ceil(heldForMs / 1000) + 1;
}

/** In-process wait after a Zoho 429: the pause it set plus up to 250 ms, so workers do not wake together. */
export function throttleWaitMs(retryAfterMs: number, random = Math.random): number {
  return retryAfterMs + Math.floor(random() * 250);
}
