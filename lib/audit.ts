/**
 * api_audit_logs: one row per call to Zoho (Books and the OAuth token endpoint), sanitized before
 * it is written: no access or refresh tokens, no client secret, no Authorization header, and no
 * file bytes (a file is recorded as its name, size and SHA-256), at any depth and inside raw text
 * bodies (form-encoded or HTML answers of the OAuth endpoint: lib/redact.ts scrubText). Strings and
 * arrays are truncated so one odd response cannot bloat the table.
 */
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { sql } from "./db.ts";
import { isSecretKey, scrubText } from "./redact.ts";

export interface AuditEntry {
  readonly transactionId: string | null;
  /** Short name of the call, e.g. books.bills.create, oauth.refresh. */
  readonly operation: string;
  readonly method: string;
  /** Path and query only; never carries credentials (tokens go in headers or form bodies). */
  readonly url: string;
  readonly statusCode: number | null;
  readonly zohoCode: number | null;
  readonly durationMs: number | null;
  readonly request: unknown;
  readonly response: unknown;
  readonly error: string | null;
}

/** Keys whose values are secrets wherever they appear (case-insensitive). */
const SECRET_KEY = /(token|secret|authorization|password|(api|admin)[-_]?key|cookie|signature|base64)/i;
const MAX_STRING = 2000;
const MAX_ARRAY = 50;
const MAX_DEPTH = 6;

/** Returns a JSON-safe copy with secrets censored, binary data summarized, and sizes capped. */
function sanitizeForAudit(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") {
    const text = scrubText(value);
    return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
  }
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ARRAY).map((v) => sanitizeForAudit(v, depth + 1));
    if (value.length > MAX_ARRAY) items.push(`[${value.length - MAX_ARRAY} more]`);
    return items;
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) || isSecretKey(k) ? "[REDACTED]" : sanitizeForAudit(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

/** Drops query parameters that could carry credentials, keeping the rest for the audit trail. */
function sanitizeUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) {
      if (SECRET_KEY.test(key) || key === "code") u.searchParams.set(key, "[REDACTED]");
    }
    return `${u.pathname}${u.search}`;
  } catch {
    return url.split("?")[0] ?? "";
  }
}

export async function writeAuditLog(db: CommonQueryMethods, entry: AuditEntry): Promise<void> {
  await db.query(sql.type(z.object({}))`
    INSERT INTO api_audit_logs (transaction_id, operation, method, url, status_code, zoho_code, duration_ms, request, response, error)
    VALUES (${entry.transactionId}, ${entry.operation}, ${entry.method}, ${sanitizeUrl(entry.url)}, ${entry.statusCode},
            ${entry.zohoCode}, ${entry.durationMs === null ? null : Math.round(entry.durationMs)},
            ${sql.jsonb(sanitizeForAudit(entry.request ?? {}) as never)}, ${sql.jsonb(sanitizeForAudit(entry.response ?? {}) as never)},
            ${entry.error === null ? null : scrubText(entry.error).slice(0, MAX_STRING)})`);
}
