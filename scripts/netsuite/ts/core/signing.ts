/**
 * Request signing as the service verifies it (service/src/auth/signature.ts): Standard Webhooks
 * headers over a wider content,
 *   `${webhook-id}.${webhook-timestamp}.${METHOD} ${path and query}.${body}`,
 * so a signature cannot be moved to another route or query. The service also refuses a
 * (webhook-id, timestamp) pair it has seen, so every request, retries included, gets its own id.
 * The key is the API Secret's value decoded from base64: the service's secret without "whsec_".
 */
import type { ClientConfig } from "./config.ts";
import type { NModules } from "./types.ts";

/** What the signature covers besides id and timestamp. */
export interface SignedTarget {
  readonly method: "GET" | "POST";
  /** The absolute URL the request goes to; its path and query are signed. */
  readonly url: string;
  readonly body: string;
}

/** Path and query of an absolute URL as the server receives them (SuiteScript has no URL class). */
export function requestTarget(url: string): string {
  const rest = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(url)?.[1] ?? "";
  if (rest === "") return "/";
  return rest.startsWith("?") ? `/${rest}` : rest;
}

/** A header-safe Standard Webhooks id, unique per request: what it is about, then the clock. */
export function webhookId(subject: string, nowMs: number): string {
  return `msg_ns_${nowMs}_${subject}`.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 200);
}

/** v1 signature = base64(HMAC-SHA256(key, `${id}.${timestamp}.${METHOD} ${target}.${body}`)). */
export function sign(
  n: Pick<NModules, "crypto" | "encode">,
  signingSecretId: string,
  id: string,
  timestampSeconds: number,
  r: SignedTarget,
): string {
  const key = n.crypto.createSecretKey({ secret: signingSecretId, encoding: n.encode.Encoding.BASE_64 });
  const hmac = n.crypto.createHmac({ algorithm: n.crypto.HashAlg.SHA256, key });
  const content = `${id}.${timestampSeconds}.${r.method} ${requestTarget(r.url)}.${r.body}`;
  hmac.update({ input: content, inputEncoding: n.encode.Encoding.UTF_8 });
  return `v1,${hmac.digest({ outputEncoding: n.encode.Encoding.BASE_64 })}`;
}

/**
 * The three Standard Webhooks headers when a signing secret is configured, else none. The service
 * verifies every request made with a signing key, GETs included (over an empty body).
 */
export function signatureHeaders(
  n: Pick<NModules, "crypto" | "encode">,
  config: Pick<ClientConfig, "signingSecretId">,
  subject: string,
  nowMs: number,
  r: SignedTarget,
): Record<string, string> {
  if (!config.signingSecretId) return {};
  const id = webhookId(subject, nowMs);
  const timestamp = Math.floor(nowMs / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": sign(n, config.signingSecretId, id, timestamp, r),
  };
}
