/**
 * What one Zoho call leaves behind: a log line, the success-rate metric, and one api_audit_logs row
 * (sanitized: the client puts only the audit-safe view of a body into `request`).
 */
import type { AuditEntry } from "../../../lib/audit.ts";
import type { Metrics } from "../../../lib/metrics.ts";
import type { RequestBody } from "./request.ts";
import type { CallContext } from "./types.ts";

export interface CallSpec {
  readonly operation: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly query?: Record<string, string>;
  /** Built per attempt (a 401 retry needs a fresh file stream). */
  readonly body?: () => Promise<RequestBody>;
  /** Statuses that are an answer, not an error (e.g. 404 for a lookup). */
  readonly accept?: readonly number[];
}

/** One call as the log and the audit log record it (status null: no answer). */
export interface CallRecord {
  readonly url: URL;
  readonly status: number | null;
  readonly zohoCode: number | null;
  readonly durationMs: number;
  readonly request: unknown;
  readonly response: unknown;
  readonly error: string | null;
}

export interface RecordSinks {
  readonly audit: (entry: AuditEntry) => Promise<void>;
  readonly metrics?: Metrics | undefined;
}

export async function recordCall(o: RecordSinks, ctx: CallContext, spec: CallSpec, call: CallRecord): Promise<void> {
  const ok = call.error === null;
  o.metrics?.record("ZohoAPISuccessRate", ok ? 100 : 0, "Percent");
  const level = ok ? "debug" : "warn";
  ctx.log[level](
    {
      transactionId: ctx.transactionId,
      zohoOperation: spec.operation,
      zohoStatus: call.status,
      zohoCode: call.zohoCode,
      durationMs: Math.round(call.durationMs),
    },
    ok ? "zoho call" : `zoho call failed: ${call.error}`,
  );
  try {
    await o.audit({
      transactionId: ctx.transactionId,
      operation: spec.operation,
      method: spec.method,
      url: call.url.toString(),
      statusCode: call.status,
      zohoCode: call.zohoCode,
      durationMs: call.durationMs,
      request: call.request,
      response: call.response,
      error: call.error,
    });
  } catch (err) {
    ctx.log.error({ err, zohoOperation: spec.operation }, "could not write the audit log row");
  }
}
