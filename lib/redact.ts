/**
 * What counts as a secret in a log line or an audit-log row, wherever it sits (lib/logger.ts,
 * lib/audit.ts): values under secret-named keys at any depth, and secrets inside free text, such
 * as a raw form-encoded or HTML body from Zoho's OAuth endpoint that is not JSON.
 */
export const CENSOR = "[REDACTED]";

/** Keys whose values are secrets, compared lower-case with "-" and "_" removed. */
const SECRET_KEYS = new Set(
  [
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "client_secret",
    "secret",
    "password",
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "apikey",
    "x-api-key",
    "x-admin-key",
    "webhook-signature",
    "base64data",
    "token_encryption_key",
  ].map((k) => k.replace(/[-_]/g, "")),
);

export const isSecretKey = (key: string) => SECRET_KEYS.has(key.toLowerCase().replace(/[-_]/g, ""));

/** name=value (form bodies, query strings), "name": "value" (JSON kept as text) and Bearer/Zoho-oauthtoken headers. */
const IN_TEXT = [
  /\b(access_token|refresh_token|id_token|client_secret|code|password|x-api-key|x-admin-key)=([^&\s"'<]+)/gi,
  /"(access_token|refresh_token|id_token|client_secret|password|x-api-key|x-admin-key|token)"\s*:\s*"([^"]*)"/gi,
  /\b(Bearer|Zoho-oauthtoken)\s+([A-Za-z0-9._~+/=-]{8,})/gi,
];
/** Zoho's token shape (1000.<32 hex>.<32 hex>), wherever it appears. */
const ZOHO_TOKEN = /\b1000\.[0-9a-f]{32}\.[0-9a-f]{32}\b/gi;

/** The text with secret values replaced; names and the rest of the text kept for the reader. */
export function scrubText(text: string): string {
  let out = text;
  for (const re of IN_TEXT) {
    // The value is the match's last group: censor its last occurrence, never a piece of the name.
    out = out.replace(re, (match: string, _name: string, value: string) => {
      const at = match.lastIndexOf(value);
      return `${match.slice(0, at)}${CENSOR}${match.slice(at + value.length)}`;
    });
  }
  return out.replace(ZOHO_TOKEN, CENSOR);
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" &&
  v !== null &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * A copy of plain objects and arrays with secret-named keys censored and strings scrubbed, to
 * `maxDepth` levels; other objects (errors, requests, buffers) are left to their serializers.
 * Returns the same reference when nothing changed, so clean log lines cost no copy.
 */
export function redactDeep(value: unknown, maxDepth = 8): unknown {
  if (typeof value === "string") return scrubText(value);
  if (maxDepth <= 0) return value;
  if (Array.isArray(value)) {
    const items = value.map((v) => redactDeep(v, maxDepth - 1));
    return items.every((v, i) => v === value[i]) ? value : items;
  }
  if (!isPlain(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const next = isSecretKey(k) && v !== undefined && v !== null ? CENSOR : redactDeep(v, maxDepth - 1);
    if (next !== v) {
      out ??= { ...value };
      out[k] = next;
    }
  }
  return out ?? value;
}
