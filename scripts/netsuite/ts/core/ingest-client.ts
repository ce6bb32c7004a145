/**
 * Sends one bill to the ingest service and turns every possible answer into an Outcome:
 * 202/200 SENT (transaction id kept), 409 CONFLICT, 429/5xx/network retried with backoff inside the
 * governance and time budget (what is left becomes RETRY for the next run), 401/403 RETRY (a key
 * problem, not the bill's), any other 4xx REJECTED with the service's message.
 */
import type { ClientConfig } from "./config.ts";
import { describeError } from "./errors.ts";
import { type Budget, COST } from "./governance.ts";
import { type BillPayload, buildBillRequest } from "./ingest-request.ts";
import type { Outcome } from "./outcome.ts";
import type { Host, HttpsResponse, NModules } from "./types.ts";

type Verdict =
  | { readonly kind: "done"; readonly outcome: Omit<Outcome, "billId" | "attempts"> }
  | { readonly kind: "retry"; readonly message: string; readonly httpStatus?: number; readonly retryAfterMs?: number };

export function header(response: Pick<HttpsResponse, "headers">, name: string): string | undefined {
  const headers = (response.headers ?? {}) as Record<string, unknown>;
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === wanted) {
      const value = headers[key];
      return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
    }
  }
  return undefined;
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The service's error text: `message` (Fastify), else `detail`/`title` (problem+json), else the raw body. */
export function errorText(response: Pick<HttpsResponse, "code" | "body">): string {
  const json = parseJson(response.body ?? "");
  const text = json?.message ?? json?.detail ?? json?.title ?? json?.error ?? (response.body || "");
  return `HTTP ${response.code}: ${String(text).slice(0, 1000)}`;
}

export function classify(response: HttpsResponse, nowMs: number): Verdict {
  const code = response.code;
  if (code === 200 || code === 202) {
    const json = parseJson(response.body ?? "");
    const transactionId = typeof json?.transactionId === "string" ? json.transactionId : undefined;
    if (!transactionId) {
      return { kind: "retry", httpStatus: code, message: `HTTP ${code} without a transactionId in the body` };
    }
    const statusUrl = typeof json?.statusUrl === "string" ? json.statusUrl : undefined;
    const again = code === 200 ? " (already accepted earlier)" : "";
    return {
      kind: "done",
      outcome: {
        status: "SENT",
        httpStatus: code,
        transactionId,
        ...(statusUrl ? { statusUrl } : {}),
        message: `accepted as ${transactionId}${again}`,
      },
    };
  }
  if (code === 409) {
    const existing = parseJson(response.body ?? "")?.transactionId;
    const which = typeof existing === "string" ? ` (transaction ${existing})` : "";
    return {
      kind: "done",
      outcome: {
        status: "CONFLICT",
        httpStatus: code,
        message: `content conflict: the service already holds a different PDF for this bill${which}. ${errorText(response)}`,
      },
    };
  }
  if (code === 429 || code >= 500) {
    const after = retryAfterMs(header(response, "retry-after"), nowMs);
    return {
      kind: "retry",
      httpStatus: code,
      message: errorText(response),
      ...(after === undefined ? {} : { retryAfterMs: after }),
    };
  }
  if (code === 401 || code === 403) {
    return {
      kind: "done",
      outcome: {
        status: "RETRY",
        httpStatus: code,
        message: `the service refused the API key (check the API Secret). ${errorText(response)}`,
      },
    };
  }
  if (code >= 400) {
    return { kind: "done", outcome: { status: "REJECTED", httpStatus: code, message: errorText(response) } };
  }
  return { kind: "retry", httpStatus: code, message: `unexpected HTTP ${code}` };
}

export interface SendOptions {
  readonly n: Pick<NModules, "crypto" | "encode" | "https" | "log">;
  readonly config: ClientConfig;
  readonly budget: Budget;
  readonly host: Host;
}

/** POSTs the bill, retrying 429/5xx/network errors while attempts, units and time allow. */
export function postBill(options: SendOptions, payload: BillPayload): Outcome {
  const { n, config, budget, host } = options;
  const billId = payload.netsuiteBillId;
  let attempts = 0;
  let last: { message: string; httpStatus?: number } = { message: "not sent" };

  while (attempts < config.maxAttempts) {
    if (!budget.canSpend(COST.httpsCall)) {
      last = {
        ...last,
        message: `governance: ${budget.remainingUnits()} units left, stopped before POST. ${last.message}`,
      };
      break;
    }
    const request = buildBillRequest(n, config, payload, host.now());
    attempts++;
    let verdict: Verdict;
    try {
      verdict = classify(n.https.post(request), host.now());
    } catch (err) {
      verdict = { kind: "retry", message: `request failed: ${describeError(err)}` };
    }
    if (verdict.kind === "done") return { billId, attempts, ...verdict.outcome };

    last = {
      message: verdict.message,
      ...(verdict.httpStatus === undefined ? {} : { httpStatus: verdict.httpStatus }),
    };
    if (attempts >= config.maxAttempts) break;
    const delay = verdict.retryAfterMs ?? config.backoffMs * 2 ** (attempts - 1);
    if (delay > config.maxBackoffMs && verdict.retryAfterMs !== undefined) {
      last = { ...last, message: `${last.message}; Retry-After ${Math.ceil(delay / 1000)} s, left for the next run` };
      break;
    }
    const wait = Math.min(delay, config.maxBackoffMs);
    if (!budget.canWaitThenCall(wait)) {
      last = { ...last, message: `${last.message}; time limit near, left for the next run` };
      break;
    }
    n.log.debug({ title: "retrying bill", details: `bill ${billId}: ${last.message}; waiting ${wait} ms` });
    host.sleep(wait);
  }
  return { billId, attempts, status: "RETRY", ...last };
}
