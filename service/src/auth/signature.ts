/**
 * Signed requests, Standard Webhooks headers (https://www.standardwebhooks.com/) over a wider content:
 *   webhook-id: a unique id per request          webhook-timestamp: Unix seconds
 *   webhook-signature: "v1,<base64 HMAC-SHA256>" (several, space-separated, during rotation)
 * signed content = `${webhook-id}.${webhook-timestamp}.${METHOD} ${path and query}.${raw body}`,
 * key = base64-decoded secret after "whsec_". Method, path and query are covered so a signature
 * for one request cannot be moved to another route or query. Timestamps outside the tolerance
 * are rejected; inside it, plugins/auth.ts refuses a (webhook-id, timestamp) pair seen before
 * (Redis SET NX), so a captured request cannot be sent again. Every candidate signature is
 * compared with every secret in constant time.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export interface SignatureHeaders {
  readonly id: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
}

/** What the signature covers besides id and timestamp. `url` is the request target: path and query, as sent. */
export interface SignedRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function sign(key: Buffer, id: string, timestamp: string, r: SignedRequest): string {
  return createHmac("sha256", key)
    .update(`${id}.${timestamp}.${r.method.toUpperCase()} ${r.url}.`, "utf8")
    .update(r.body, "utf8")
    .digest("base64");
}

/** Signs like a client would; used by tests, the benchmark and the README's example. */
export function signRequest(secret: string, id: string, timestamp: number, r: SignedRequest): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${sign(key, id, String(timestamp), r)}`;
}

export function verifySignature(
  h: SignatureHeaders,
  r: SignedRequest,
  keys: readonly Buffer[],
  toleranceSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): Verdict {
  if (!h.id || !h.timestamp || !h.signature) {
    return { ok: false, reason: "webhook-id, webhook-timestamp and webhook-signature are required" };
  }
  if (h.id.length > 256) return { ok: false, reason: "webhook-id is too long" };
  if (!/^\d{1,12}$/.test(h.timestamp)) return { ok: false, reason: "webhook-timestamp must be Unix seconds" };
  if (Math.abs(nowSeconds - Number(h.timestamp)) > toleranceSeconds) {
    return { ok: false, reason: "webhook-timestamp is outside the allowed window" };
  }
  const candidates = h.signature
    .split(" ")
    .filter((s) => s.startsWith("v1,"))
    .slice(0, 4)
    .map((s) => Buffer.from(s.slice(3), "base64"))
    .filter((b) => b.length === 32);
  if (candidates.length === 0) return { ok: false, reason: 'webhook-signature must hold "v1,<base64>"' };
  let ok = false;
  for (const key of keys) {
    const expected = Buffer.from(sign(key, h.id, h.timestamp, r), "base64");
    for (const c of candidates) ok = timingSafeEqual(expected, c) || ok;
  }
  return ok ? { ok: true } : { ok: false, reason: "signature does not match" };
}
