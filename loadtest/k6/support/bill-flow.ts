/**
 * What one k6 iteration does: POST a bill (ingest), and for delivery probes, poll its status URL
 * until `success` or `failed` and record the end-to-end delivery time and the worker-side
 * processing time. Bodies and ids come from the shared modules in loadtest/shared/.
 */
import { check, fail, sleep } from "k6";
import { b64encode } from "k6/encoding";
import exec from "k6/execution";
import http from "k6/http";
import { Counter, Rate, Trend } from "k6/metrics";
import { API_KEY_HEADER, billId, buildBillRequest, INGEST_PATH, newRunId } from "../../shared/payload.ts";
import type { PdfTemplate } from "../../shared/pdf.ts";
import { createPdfTemplate } from "../../shared/pdf.ts";
import { isTerminal, processingMsOf, serverTimeMsOf, statusOf, statusUrlOf } from "../../shared/status.ts";
import { settings } from "./env.ts";

/** Accept (before the POST) to final status seen by polling, ms. */
export const deliveryTime = new Trend("bill_delivery_time", true);
/** Worker-side time of the attempt that delivered, from the status body, ms. */
export const processingTime = new Trend("bill_processing_time", true);
/** Accept to completion on the service's clock (createdAt to completedAt in the status), ms. */
export const serverTime = new Trend("bill_server_time", true);
/** 1 when a probed bill ended `failed` or was not final before the probe gave up. */
export const deliveryFailed = new Rate("bill_delivery_failed");
export const billsAccepted = new Counter("bills_accepted");
export const billsRejected = new Counter("bills_rejected");

/** Passed from setup() to every iteration, so all VUs share one run id. */
export interface RunData {
  readonly runId: string;
}

/** Fails the run early (before any load) when the key is missing or the service is not ready. */
export function setupRun(): RunData {
  if (!settings.apiKey) fail("API_KEY is not set (k6 run -e API_KEY=...)");
  const ready = http.get(`${settings.baseUrl}/health/ready`, { tags: { name: "ready" } });
  if (ready.status !== 200) fail(`${settings.baseUrl}/health/ready answered ${ready.status}; not starting the load`);
  return { runId: __ENV.RUN_ID || newRunId() };
}

// One template per VU, built on first use: each bill is a copy with its id stamped in.
let template: PdfTemplate | undefined;

function pdfTemplate(): PdfTemplate {
  if (template === undefined) {
    template = createPdfTemplate(Math.round(settings.pdfKiB * 1024), `vu-${exec.vu.idInTest}`);
  }
  return template;
}

const headers = (): Record<string, string> => ({ [API_KEY_HEADER]: settings.apiKey });

export interface Accepted {
  readonly statusUrl: string;
  readonly startedAt: number;
}

function parse(body: unknown): unknown {
  if (typeof body !== "string") return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** POST one bill; returns where to follow it when the service accepted it (202). */
export function sendBill(data: RunData): Accepted | undefined {
  const id = billId(data.runId, exec.scenario.name, exec.scenario.iterationInTest);
  const body = buildBillRequest({
    netsuiteBillId: id,
    template: pdfTemplate(),
    encode: (bytes) => b64encode(bytes.buffer as ArrayBuffer),
    withDetails: settings.withDetails,
    vendor: settings.vendor,
  });
  const startedAt = Date.now();
  const res = http.post(`${settings.baseUrl}${INGEST_PATH}`, JSON.stringify(body), {
    headers: { ...headers(), "content-type": "application/json" },
    tags: { name: "ingest" },
    timeout: settings.ingestTimeout,
  });
  const json = parse(res.body);
  const statusUrl = res.status === 202 ? statusUrlOf(settings.baseUrl, json, res.headers.Location) : undefined;
  check(res, {
    "ingest answered 202": (r) => r.status === 202,
    "ingest gave a status URL": () => res.status !== 202 || statusUrl !== undefined,
  });
  if (res.status !== 202 || statusUrl === undefined) {
    billsRejected.add(1, { status: String(res.status) });
    return undefined;
  }
  billsAccepted.add(1);
  return { statusUrl, startedAt };
}

/** Poll fast at first (most bills finish in a second or two), then back off. */
function pollDelaySeconds(elapsedMs: number): number {
  if (elapsedMs < 5_000) return 0.25;
  if (elapsedMs < 60_000) return 1;
  return 5;
}

/** Follow an accepted bill until a final status or `giveUpSeconds` after the POST. */
export function followDelivery(accepted: Accepted, giveUpSeconds: number): void {
  const deadline = accepted.startedAt + giveUpSeconds * 1000;
  let last: unknown;
  let status: string | undefined;
  while (Date.now() < deadline) {
    sleep(pollDelaySeconds(Date.now() - accepted.startedAt));
    const res = http.get(accepted.statusUrl, { headers: headers(), tags: { name: "status" } });
    check(res, { "status answered 200": (r) => r.status === 200 });
    if (res.status !== 200) continue;
    last = parse(res.body);
    status = statusOf(last);
    if (isTerminal(status)) break;
  }
  const delivered = status === "success";
  check(status, {
    "bill delivered": () => delivered,
  });
  deliveryFailed.add(!delivered);
  if (!delivered) return;
  deliveryTime.add(Date.now() - accepted.startedAt);
  const server = serverTimeMsOf(last);
  if (server !== undefined) serverTime.add(server);
  const processing = processingMsOf(last);
  check(last, { "status carries processing timestamps": () => processing !== undefined });
  if (processing !== undefined) processingTime.add(processing);
}
