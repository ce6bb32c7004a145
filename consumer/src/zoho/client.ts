/**
 * Zoho Books v3 client: every call takes a slot from the fleet limiter, carries
 * `Authorization: Zoho-oauthtoken <token>` and `organization_id`, is written to api_audit_logs,
 * counted in metrics, traced as an X-Ray subsegment, and classified into the error classes of
 * errors.ts. A 401 invalidates the token and retries once with a fresh one. A 429 (codes 44/45/1070,
 * no Retry-After) pauses the whole fleet for a time derived from the body code.
 * @see https://www.zoho.com/books/api/v3/introduction/ and /errors/
 */
import type { Readable } from "node:stream";
import { request } from "undici";
import type { AuditEntry } from "../../../lib/audit.ts";
import type { Metrics } from "../../../lib/metrics.ts";
import { inSubsegment } from "../../../lib/tracing.ts";
import type { CircuitBreaker } from "./circuit-breaker.ts";
import {
  TokenRefreshError,
  ZOHO_CODE_CONCURRENCY,
  ZOHO_CODE_DAILY,
  ZOHO_CODE_PER_MINUTE,
  ZohoPermanentError,
  ZohoThrottledError,
  ZohoTransientError,
} from "./errors.ts";
import { multipartBody } from "./multipart.ts";
import type { ZohoRateLimiter } from "./rate-limiter.ts";
import type { ZohoTokenCache } from "./token-cache.ts";
import type { CallContext, FileSource, ZohoBill, ZohoBillInput, ZohoContact } from "./types.ts";

export interface ZohoClientOptions {
  readonly apiUrl: string;
  readonly organizationId: string;
  readonly timeoutMs: number;
  /** Pause after a code 44 answer: Zoho's per-minute window. */
  readonly perMinutePauseMs: number;
  readonly tokens: ZohoTokenCache;
  readonly limiter: ZohoRateLimiter;
  readonly breaker: CircuitBreaker;
  readonly audit: (entry: AuditEntry) => Promise<void>;
  readonly metrics?: Metrics | undefined;
  readonly tracing?: boolean;
}

interface Body {
  readonly headers: Record<string, string>;
  readonly body: string | Readable;
  /** The source stream under a multipart body, destroyed if the body is never sent. */
  readonly source?: Readable;
  readonly audit: unknown;
}

interface CallSpec {
  readonly operation: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly query?: Record<string, string>;
  /** Built per attempt (a 401 retry needs a fresh file stream). */
  readonly body?: () => Promise<Body>;
  /** Statuses that are an answer, not an error (e.g. 404 for a lookup). */
  readonly accept?: readonly number[];
}

export interface ZohoResponse {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

/** A pre-opened S3 stream older than this is re-opened before upload. */
const STALE_STREAM_MS = 5_000;

function destroyBody(body: Body | undefined): void {
  body?.source?.destroy();
  if (body && typeof body.body !== "string") body.body.destroy();
}

/** Milliseconds until the next UTC midnight (Zoho's daily quota), at least one minute. */
const untilNextUtcDay = () => Math.max(60_000, 86_400_000 - (Date.now() % 86_400_000));

export class ZohoBooksClient {
  readonly #o: ZohoClientOptions;

  constructor(options: ZohoClientOptions) {
    this.#o = options;
  }

  async getBill(billId: string, ctx: CallContext): Promise<ZohoBill | null> {
    const r = await this.#call(ctx, {
      operation: "books.bills.get",
      method: "GET",
      path: `/bills/${encodeURIComponent(billId)}`,
      accept: [404],
    });
    return r.status === 404 ? null : (r.json.bill as ZohoBill);
  }

  /** Exact-match list filter (bill_number or reference_number, optionally vendor_id). */
  async listBills(filter: Record<string, string>, ctx: CallContext): Promise<ZohoBill[]> {
    const r = await this.#call(ctx, { operation: "books.bills.list", method: "GET", path: "/bills", query: filter });
    return (r.json.bills as ZohoBill[] | undefined) ?? [];
  }

  async findVendorsByName(name: string, ctx: CallContext): Promise<ZohoContact[]> {
    const r = await this.#call(ctx, {
      operation: "books.contacts.list",
      method: "GET",
      path: "/contacts",
      query: { contact_type: "vendor", contact_name: name },
    });
    return (r.json.contacts as ZohoContact[] | undefined) ?? [];
  }

  /** Creates the bill with the PDF attached in the same request: one call of the per-minute budget. */
  async createBillWithAttachment(bill: ZohoBillInput, file: FileSource, ctx: CallContext): Promise<ZohoBill> {
    const r = await this.#call(ctx, {
      operation: "books.bills.create",
      method: "POST",
      path: "/bills",
      body: () => this.#multipart({ JSONString: JSON.stringify(bill) }, file, { bill }),
    });
    return r.json.bill as ZohoBill;
  }

  async addAttachment(billId: string, file: FileSource, ctx: CallContext): Promise<ZohoResponse> {
    return this.#call(ctx, {
      operation: "books.bills.attachment.add",
      method: "POST",
      path: `/bills/${encodeURIComponent(billId)}/attachment`,
      body: () => this.#multipart({}, file, {}),
    });
  }

  async #multipart(fields: Record<string, string>, file: FileSource, auditExtra: object): Promise<Body> {
    const { stream, size } = await file.open();
    const mp = multipartBody(fields, {
      field: "attachment",
      fileName: file.fileName,
      contentType: file.contentType,
      size,
      stream,
    });
    return {
      headers: { "content-type": mp.contentType, "content-length": String(mp.contentLength) },
      body: mp.body,
      source: stream,
      audit: { ...auditExtra, attachment: { fileName: file.fileName, bytes: size, sha256: file.sha256 } },
    };
  }

  #call(ctx: CallContext, spec: CallSpec): Promise<ZohoResponse> {
    return inSubsegment(this.#o.tracing === true, `zoho.${spec.operation}`, () => this.#callWithAuthRetry(ctx, spec));
  }

  async #callWithAuthRetry(ctx: CallContext, spec: CallSpec): Promise<ZohoResponse> {
    for (let authAttempt = 1; ; authAttempt++) {
      let token: string;
      try {
        token = await this.#o.tokens.get(ctx.signal);
      } catch (err) {
        if (err instanceof TokenRefreshError) {
          await this.#o.breaker.recordFailure();
          this.#o.metrics?.record("ZohoTokenRefreshFailures", 1);
        }
        throw err;
      }
      const res = await this.#once(ctx, spec, token);
      if (res.status !== 401) return res;
      if (authAttempt >= 2) {
        throw new ZohoTransientError("Zoho refused a freshly refreshed access token (401)", {
          operation: spec.operation,
          status: 401,
          zohoCode: Number(res.json.code) || undefined,
        });
      }
      ctx.log.warn(
        { zohoOperation: spec.operation, zohoStatus: 401 },
        "zoho refused the access token; refreshing once",
      );
      await this.#o.tokens.invalidate(token);
    }
  }

  /** One HTTP exchange under one limiter slot. Returns 2xx, accepted statuses and 401; throws otherwise. */
  async #once(ctx: CallContext, spec: CallSpec, token: string): Promise<ZohoResponse> {
    const o = this.#o;
    // The file stream is opened before the slot is taken, so the slot is used the moment it is
    // granted (opening it after would stretch every window by the S3 latency). A stream that
    // waited long for its slot is re-opened: an idle S3 read must not fail mid-upload.
    let body = spec.body ? await spec.body() : undefined;
    const waitStarted = Date.now();
    let slot: string;
    try {
      slot = await o.limiter.acquire({ deadline: ctx.deadline, signal: ctx.signal, operation: spec.operation });
    } catch (err) {
      destroyBody(body);
      throw err;
    }
    if (body && Date.now() - waitStarted > STALE_STREAM_MS) {
      destroyBody(body);
      try {
        body = await spec.body!();
      } catch (err) {
        // Opening the file (S3) failed: not a Zoho call, nothing to audit or count against Zoho.
        await o.limiter.release(slot).catch(() => {});
        throw err;
      }
    }
    const url = new URL(`${o.apiUrl.replace(/\/$/, "")}${spec.path}`);
    for (const [k, v] of Object.entries(spec.query ?? {})) url.searchParams.set(k, v);
    url.searchParams.set("organization_id", o.organizationId);
    let status: number | null = null;
    let json: Record<string, unknown> = {};
    let auditRequest: unknown = { query: spec.query ?? {} };
    if (body) auditRequest = { query: spec.query ?? {}, ...(body.audit as object) };
    // Count the call from when it really leaves (only ever later than the reservation).
    if (body) await o.limiter.markSent(slot);
    const started = performance.now();
    try {
      const res = await request(url, {
        method: spec.method,
        headers: { authorization: `Zoho-oauthtoken ${token}`, accept: "application/json", ...body?.headers },
        body: body?.body,
        headersTimeout: o.timeoutMs,
        bodyTimeout: o.timeoutMs,
      });
      status = res.statusCode;
      const text = await res.body.text();
      try {
        json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        json = { unparsed: text.slice(0, 500) };
      }
    } catch (err) {
      const durationMs = performance.now() - started;
      await o.limiter.release(slot).catch(() => {});
      ctx.calls++;
      await this.#record(ctx, spec, url, null, null, durationMs, auditRequest, {}, String((err as Error).message));
      await o.breaker.recordFailure();
      throw new ZohoTransientError(
        `Zoho ${spec.operation} failed: ${(err as Error).message}`,
        {
          operation: spec.operation,
        },
        { cause: err },
      );
    }
    await o.limiter.release(slot).catch(() => {});
    const durationMs = performance.now() - started;
    const zohoCode = typeof json.code === "number" ? json.code : null;
    const message = typeof json.message === "string" ? json.message : `HTTP ${status}`;
    ctx.calls++;
    const ok = status >= 200 && status < 300 && (zohoCode === null || zohoCode === 0);
    await this.#record(ctx, spec, url, status, zohoCode, durationMs, auditRequest, json, ok ? null : message);
    if (ok || spec.accept?.includes(status) || status === 401) {
      if (ok) await o.breaker.recordSuccess();
      return { status, json };
    }
    const details = { operation: spec.operation, status, zohoCode: zohoCode ?? undefined };
    if (status === 429) {
      const pauseMs =
        zohoCode === ZOHO_CODE_DAILY
          ? untilNextUtcDay()
          : zohoCode === ZOHO_CODE_CONCURRENCY
            ? 1_000
            : zohoCode === ZOHO_CODE_PER_MINUTE
              ? o.perMinutePauseMs
              : o.perMinutePauseMs;
      const pausedFor = await o.limiter.pause(pauseMs);
      await o.breaker.recordFailure();
      o.metrics?.record("ZohoThrottles", 1, "Count", { Code: String(zohoCode ?? "none") });
      throw new ZohoThrottledError(pausedFor, "zoho", details);
    }
    if (status >= 500 || (status >= 200 && status < 300)) {
      await o.breaker.recordFailure();
      throw new ZohoTransientError(`Zoho ${spec.operation} answered ${status}: ${message}`, details);
    }
    throw new ZohoPermanentError(
      `Zoho rejected ${spec.operation}: ${message} (HTTP ${status}, code ${zohoCode ?? "none"})`,
      details,
    );
  }

  async #record(
    ctx: CallContext,
    spec: CallSpec,
    url: URL,
    status: number | null,
    zohoCode: number | null,
    durationMs: number,
    request: unknown,
    response: unknown,
    error: string | null,
  ): Promise<void> {
    const ok = error === null;
    this.#o.metrics?.record("ZohoAPISuccessRate", ok ? 100 : 0, "Percent");
    const level = ok ? "debug" : "warn";
    ctx.log[level](
      {
        transactionId: ctx.transactionId,
        zohoOperation: spec.operation,
        zohoStatus: status,
        zohoCode,
        durationMs: Math.round(durationMs),
      },
      ok ? "zoho call" : `zoho call failed: ${error}`,
    );
    try {
      await this.#o.audit({
        transactionId: ctx.transactionId,
        operation: spec.operation,
        method: spec.method,
        url: url.toString(),
        statusCode: status,
        zohoCode,
        durationMs,
        request,
        response,
        error,
      });
    } catch (err) {
      ctx.log.error({ err, zohoOperation: spec.operation }, "could not write the audit log row");
    }
  }
}
