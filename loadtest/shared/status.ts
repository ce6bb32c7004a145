/**
 * Reading the ingest service's answers: where a bill's status lives (from the 202), whether a
 * status is final, and the worker-side processing time the status carries. Tolerant of field
 * spellings on purpose (camelCase or snake_case, ISO strings or epoch ms): a load test should
 * report a contract drift as a failed check, not crash mid-run.
 */
import { TRANSACTIONS_PATH } from "./payload.ts";

export type DeliveryOutcome = "success" | "failed";

/** Final statuses (lib/bill.ts TRANSACTION_STATUSES minus pending/processing). */
export function isTerminal(status: unknown): status is DeliveryOutcome {
  return status === "success" || status === "failed";
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function pick(body: Json | undefined, ...names: string[]): unknown {
  if (!body) return undefined;
  for (const name of names) if (body[name] !== undefined && body[name] !== null) return body[name];
  return undefined;
}

/** The transaction id from a 202/200 body. */
export function transactionIdOf(body: unknown): string | undefined {
  const id = pick(asObject(body), "transactionId", "id");
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

/**
 * Absolute status URL for an accepted bill: the body's `statusUrl`, else the `Location` header,
 * else built from the transaction id. Relative URLs resolve against `baseUrl`.
 */
export function statusUrlOf(baseUrl: string, body: unknown, location?: string): string | undefined {
  const fromBody = pick(asObject(body), "statusUrl", "status_url");
  const candidate = typeof fromBody === "string" && fromBody ? fromBody : location;
  if (candidate) return absolute(baseUrl, candidate);
  const id = transactionIdOf(body);
  return id ? absolute(baseUrl, `${TRANSACTIONS_PATH}/${encodeURIComponent(id)}`) : undefined;
}

function absolute(baseUrl: string, url: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  return `${baseUrl.replace(/\/+$/, "")}/${url.replace(/^\/+/, "")}`;
}

/** Epoch milliseconds from an ISO string or a number (ms, or seconds when it is clearly seconds). */
export function toEpochMs(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value === "string" && value) {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/**
 * Worker-side processing time of a delivered bill: from the start of the attempt that succeeded to
 * completion. Undefined when the status does not carry both timestamps.
 */
export function processingMsOf(body: unknown): number | undefined {
  const o = asObject(body);
  const started = toEpochMs(pick(o, "processingStartedAt", "lastAttemptAt", "last_attempt_at"));
  const done = toEpochMs(pick(o, "completedAt", "completed_at", "deliveredAt"));
  if (started === undefined || done === undefined || done < started) return undefined;
  return done - started;
}

/**
 * Accept to completion on the service's clock (`completedAt − createdAt`): queue wait included,
 * poll granularity excluded. Undefined until the bill is final.
 */
export function serverTimeMsOf(body: unknown): number | undefined {
  const o = asObject(body);
  const created = toEpochMs(pick(o, "createdAt", "created_at"));
  const done = toEpochMs(pick(o, "completedAt", "completed_at", "deliveredAt"));
  if (created === undefined || done === undefined || done < created) return undefined;
  return done - created;
}

/** The status field of a status body, if it is a string. */
export function statusOf(body: unknown): string | undefined {
  const s = pick(asObject(body), "status");
  return typeof s === "string" ? s : undefined;
}
