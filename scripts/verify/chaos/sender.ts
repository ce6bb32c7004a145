/**
 * The NetSuite side of the run: POSTs each bill at a steady rate and, like the real client, retries
 * the same bill (same id, same bytes) after a 5xx, a 429 or a network error until it is accepted
 * (202, or 200 for a retry the service already had) or its deadline passes. A bill counts as
 * accepted once the service said so, and from then on the service owes its delivery.
 */
import { createHash } from "node:crypto";
import { buildBillRequest, INGEST_PATH } from "../../../loadtest/shared/payload.ts";
import { createPdfTemplate } from "../../../loadtest/shared/pdf.ts";
import type { RequestSample } from "./latency.ts";
import type { ChaosOptions } from "./options.ts";

export interface SentBill {
  readonly netsuiteBillId: string;
  readonly sha256: string;
  outcome: "accepted" | "rejected" | "gave-up";
  httpStatus: number | null;
  transactionId: string | null;
  attempts: number;
  lastError: string | null;
  acceptedAt: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

export const chaosBillId = (runId: string, n: number) => `chaos-${runId}-${String(n).padStart(5, "0")}`;

async function sendOne(
  url: string,
  apiKey: string,
  body: string,
  bill: SentBill,
  deadline: number,
  samples: RequestSample[],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    bill.attempts = attempt;
    let retry = false;
    const startedAt = Date.now();
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      bill.httpStatus = res.status;
      const text = await res.text();
      samples.push({ startedAt, ms: Date.now() - startedAt, status: res.status });
      if (res.status === 202 || res.status === 200) {
        bill.outcome = "accepted";
        bill.acceptedAt = Date.now();
        bill.transactionId = (JSON.parse(text) as { transactionId?: string }).transactionId ?? null;
        return;
      }
      bill.lastError = `${res.status} ${text.slice(0, 200)}`;
      retry = res.status >= 500 || res.status === 429 || res.status === 408;
      if (!retry) {
        bill.outcome = "rejected";
        return;
      }
    } catch (err) {
      samples.push({ startedAt, ms: Date.now() - startedAt, status: null });
      bill.httpStatus = null;
      bill.lastError = (err as Error).message;
    }
    const wait = Math.min(5_000, 250 * 2 ** Math.min(attempt - 1, 5)) * (0.5 + Math.random());
    if (Date.now() + wait > deadline) {
      bill.outcome = "gave-up";
      return;
    }
    await sleep(wait);
  }
}

export async function sendBills(
  o: ChaosOptions,
  serviceUrl: string,
  apiKey: string,
  runId: string,
  say: (s: string) => void,
  /** Every POST's answer time is added here. */
  samples: RequestSample[] = [],
): Promise<SentBill[]> {
  const template = createPdfTemplate(o.pdfBytes, `chaos-${runId}`);
  const url = `${serviceUrl}${INGEST_PATH}`;
  const bills: SentBill[] = [];
  const t0 = Date.now();
  let next = 0;
  let done = 0;
  const progress = setInterval(() => {
    const accepted = bills.filter((b) => b.outcome === "accepted").length;
    say(`sent ${Math.min(next, o.bills)}/${o.bills}, settled ${done}, accepted ${accepted}`);
  }, 10_000);
  const lane = async () => {
    for (;;) {
      const n = next++;
      if (n >= o.bills) return;
      const due = t0 + (n * 1000) / o.rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const netsuiteBillId = chaosBillId(runId, n);
      const body = buildBillRequest({ netsuiteBillId, template, encode: b64 });
      const sha256 = createHash("sha256").update(Buffer.from(body.base64Data, "base64")).digest("hex");
      const bill: SentBill = {
        netsuiteBillId,
        sha256,
        outcome: "gave-up",
        httpStatus: null,
        transactionId: null,
        attempts: 0,
        lastError: null,
        acceptedAt: null,
      };
      bills.push(bill);
      await sendOne(url, apiKey, JSON.stringify(body), bill, Date.now() + o.sendDeadlineMs, samples);
      done++;
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, lane));
  } finally {
    clearInterval(progress);
  }
  return bills;
}
