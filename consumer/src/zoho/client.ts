/**
 * Zoho Books v3 client: every call takes a slot from the fleet limiter, carries
 * `Authorization: Zoho-oauthtoken <token>` and `organization_id`, is written to api_audit_logs,
 * counted in metrics, traced as an X-Ray subsegment, and classified by classify.ts into the error
 * classes of errors.ts (request.ts builds the body and does the raw exchange). A 401 invalidates the token and retries once with a fresh one. A 429 (codes 44/45/1070,
 * no Retry-After) pauses the whole fleet for a time derived from the body code.
 * @see https://www.zoho.com/books/api/v3/introduction/ and /errors/
 */
import type { AuditEntry } from "../../../lib/audit.ts";
import type { Metrics } from "../../../lib/metrics.ts";
import { inSubsegment } from "../../../lib/tracing.ts";
import { type CallRecord, type CallSpec, recordCall } from "./call-record.ts";
import type { CircuitBreaker } from "./circuit-breaker.ts";
import { classifyAnswer, classifyNoAnswer, type Verdict } from "./classify.ts";
import { booksUrlOf, DATA_CENTERS } from "./data-centers.ts";
import { TokenRefreshError, ZohoPermanentError, ZohoThrottledError, ZohoTransientError } from "./errors.ts";
import type { ZohoRateLimiter } from "./rate-limiter.ts";
import { destroyBody, exchange, fileBody, jsonBody, type RequestBody, type ZohoResponse } from "./request.ts";
import { CreateBillRequest } from "./schemas/bills.ts";
import type { ZohoTokenCache } from "./token-cache.ts";
import type { CallContext, FileSource, ZohoBill, ZohoBillInput, ZohoContact, ZohoCurrency } from "./types.ts";

export interface ZohoClientOptions {
  /** The Books base URL; null follows the token's api_domain (data-centers.ts). */
  readonly apiUrl: string | null;
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

/** A pre-opened S3 stream older than this is re-opened before upload. */
const STALE_STREAM_MS = 5_000;

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

  /** one-call: the bill and the PDF in one multipart request (JSONString + attachment). */
  async createBillWithAttachment(bill: ZohoBillInput, file: FileSource, ctx: CallContext): Promise<ZohoBill> {
    const checked = checkCreateBody(bill);
    const r = await this.#call(ctx, {
      operation: "books.bills.create",
      method: "POST",
      path: "/bills",
      body: () => fileBody({ JSONString: JSON.stringify(checked) }, file, { bill: checked }),
    });
    return r.json.bill as ZohoBill;
  }

  /** two-call, first call: the bill alone as application/json (bills.yml create_bill). */
  async createBill(bill: ZohoBillInput, ctx: CallContext): Promise<ZohoBill> {
    const checked = checkCreateBody(bill);
    const r = await this.#call(ctx, {
      operation: "books.bills.create",
      method: "POST",
      path: "/bills",
      body: async () => jsonBody(checked),
    });
    return r.json.bill as ZohoBill;
  }

  /** The organization's currencies (currency.yml list_currencies). */
  async listCurrencies(ctx: CallContext): Promise<ZohoCurrency[]> {
    const r = await this.#call(ctx, {
      operation: "books.currencies.list",
      method: "GET",
      path: "/settings/currencies",
    });
    return (r.json.currencies as ZohoCurrency[] | undefined) ?? [];
  }

  async addAttachment(billId: string, file: FileSource, ctx: CallContext): Promise<ZohoResponse> {
    return this.#call(ctx, {
      operation: "books.bills.attachment.add",
      method: "POST",
      path: `/bills/${encodeURIComponent(billId)}/attachment`,
      body: () => fileBody({}, file, {}),
    });
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
    const { slot, body } = await this.#slotWithBody(ctx, spec);
    o.metrics?.record("ZohoDailyCallsUsed", o.limiter.dailyUsed, "Count");
    const url = this.#url(spec, o.apiUrl ?? booksUrlOf((await o.tokens.apiDomain()) ?? DATA_CENTERS.us.api));
    const request = { query: spec.query ?? {}, ...(body?.audit as object | undefined) };
    const started = performance.now();
    let res: ZohoResponse;
    try {
      res = await exchange(url, spec.method, token, body, o.timeoutMs);
    } catch (err) {
      const durationMs = performance.now() - started;
      await o.limiter.release(slot).catch(() => {});
      ctx.calls++;
      const error = String((err as Error).message);
      await this.#record(ctx, spec, { url, status: null, zohoCode: null, durationMs, request, response: {}, error });
      await o.breaker.recordFailure();
      throw classifyNoAnswer(spec.operation, err);
    }
    await o.limiter.release(slot).catch(() => {});
    const durationMs = performance.now() - started;
    ctx.calls++;
    const verdict = classifyAnswer(
      { operation: spec.operation, status: res.status, json: res.json, accept: spec.accept },
      { perMinutePauseMs: o.perMinutePauseMs, now: Date.now() },
    );
    const { zohoCode, error } = verdict;
    await this.#record(ctx, spec, {
      url,
      status: res.status,
      zohoCode,
      durationMs,
      request,
      response: res.json,
      error,
    });
    return this.#act(verdict, res, spec);
  }

  /**
   * Opens the file stream, then takes a limiter slot, so the slot is used the moment it is granted
   * (opening it after would stretch every window by the S3 latency). A stream that waited long for
   * its slot is re-opened: an idle S3 read must not fail mid-upload.
   */
  async #slotWithBody(ctx: CallContext, spec: CallSpec): Promise<{ slot: string; body: RequestBody | undefined }> {
    const o = this.#o;
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
    return { slot, body };
  }

  #url(spec: CallSpec, base: string): URL {
    const url = new URL(`${base.replace(/\/$/, "")}${spec.path}`);
    for (const [k, v] of Object.entries(spec.query ?? {})) url.searchParams.set(k, v);
    url.searchParams.set("organization_id", this.#o.organizationId);
    return url;
  }

  /** The verdict's side effects on the fleet (breaker, pause, metrics), then the answer or its error. */
  async #act(verdict: Verdict, res: ZohoResponse, spec: CallSpec): Promise<ZohoResponse> {
    const o = this.#o;
    switch (verdict.kind) {
      case "ok":
        await o.breaker.recordSuccess();
        return res;
      case "answer":
        return res;
      case "throttled": {
        const pausedFor = await o.limiter.pause(verdict.pauseMs);
        await o.breaker.recordFailure();
        o.metrics?.record("ZohoThrottles", 1, "Count", { Code: String(verdict.zohoCode ?? "none") });
        const details = { operation: spec.operation, status: res.status, zohoCode: verdict.zohoCode ?? undefined };
        throw new ZohoThrottledError(pausedFor, "zoho", details);
      }
      case "transient":
        await o.breaker.recordFailure();
        throw verdict.failure;
      case "permanent":
        throw verdict.failure;
    }
  }

  #record(ctx: CallContext, spec: CallSpec, call: CallRecord): Promise<void> {
    return recordCall(this.#o, ctx, spec, call);
  }
}

/** The create-a-bill body checked against Zoho's schema before it is sent: a mistake fails the bill with a clear reason. */
function checkCreateBody(bill: ZohoBillInput): ZohoBillInput {
  const parsed = CreateBillRequest.safeParse(bill);
  if (parsed.success) return bill;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
  throw new ZohoPermanentError(`the create-a-bill body does not match Zoho's schema (${problems})`, {
    operation: "books.bills.create",
  });
}
