/**
 * On-demand sender and status page. GET ?billId=N shows the bill's delivery fields and, when it has
 * a transaction id, the middleware's view from GET /api/v1/transactions/:id. POST billId=N sends
 * that bill now (same code path as the Map/Reduce) and shows the result.
 * Budget: search 10 + record.load 10 + file.load 10 + POSTs 10 each + submitFields 10 + lookupFields 1
 * + status GET 10, well under 1,000.
 */
import type { EntryPoints } from "N/types";
import { readDelivery, recordOutcome } from "./bill-record.ts";
import { findBills, oneBillFilters } from "./bill-source.ts";
import { type ClientConfig, readConfig, SUITELET_PARAMETER_PREFIX } from "./config.ts";
import { describeError } from "./errors.ts";
import { COST, createBudget, TIME_LIMIT_MS } from "./governance.ts";
import { errorText } from "./ingest-client.ts";
import { buildStatusRequest } from "./ingest-request.ts";
import type { Outcome } from "./outcome.ts";
import { sendBill } from "./send-bill.ts";
import type { Host, NModules } from "./types.ts";

type RequestContext = {
  readonly request: Pick<EntryPoints.Suitelet.onRequestContext["request"], "method" | "parameters">;
  readonly response: Pick<EntryPoints.Suitelet.onRequestContext["response"], "write" | "setHeader">;
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export interface TransactionView {
  readonly httpStatus: number;
  readonly fields: Record<string, string>;
  readonly error?: string;
}

/** GET /api/v1/transactions/:id; scalar fields only (the page shows them as a table). */
export function fetchTransaction(
  n: Pick<NModules, "crypto" | "encode" | "https">,
  config: ClientConfig,
  transactionId: string,
  nowMs: number,
): TransactionView {
  const response = n.https.get(buildStatusRequest(n, config, transactionId, nowMs));
  if (response.code !== 200) return { httpStatus: response.code, fields: {}, error: errorText(response) };
  const fields: Record<string, string> = {};
  try {
    const json = JSON.parse(response.body) as Record<string, unknown>;
    for (const [key, value] of Object.entries(json)) {
      if (value === null || ["string", "number", "boolean"].includes(typeof value)) fields[key] = String(value);
    }
  } catch {
    return { httpStatus: response.code, fields, error: "the status answer is not JSON" };
  }
  return { httpStatus: response.code, fields };
}

function table(rows: [string, string][]): string {
  const body = rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  return `<table border="1" cellpadding="4">${body.join("")}</table>`;
}

function page(billId: string, sections: string[]): string {
  return [
    "<!DOCTYPE html><html><head><title>Send vendor bill to the middleware</title></head><body>",
    "<h1>Vendor bill delivery</h1>",
    '<form method="POST">',
    `<label>Vendor bill internal id <input name="billId" value="${escapeHtml(billId)}" pattern="[0-9]+" required></label>`,
    ' <button type="submit">Send now</button></form>',
    '<form method="GET"><input type="hidden" name="billId" value="',
    `${escapeHtml(billId)}"><button type="submit">Refresh status</button></form>`,
    ...sections,
    "</body></html>",
  ].join("\n");
}

export function createSuitelet(n: NModules, host: Host) {
  function sendNow(config: ClientConfig, billId: string): Outcome {
    const budget = createBudget(n, host, { reserveUnits: COST.submitFields, timeLimitMs: TIME_LIMIT_MS.suitelet });
    const { candidates } = findBills(n, oneBillFilters(billId), { canSpend: budget.canSpend });
    const candidate = candidates[0];
    if (!candidate) {
      return { billId, attempts: 0, status: "SKIPPED", message: "no vendor bill with an attached PDF has this id" };
    }
    const outcome = sendBill({ n, config, budget, host }, candidate);
    recordOutcome(n, outcome);
    return outcome;
  }

  function statusSection(config: ClientConfig, billId: string): string {
    const delivery = readDelivery(n, billId);
    const rows: [string, string][] = [
      ["Delivery status", delivery.status || "(not sent)"],
      ["Transaction id", delivery.transactionId || "-"],
    ];
    if (delivery.zohoBillId) rows.push(["Zoho Books bill id", delivery.zohoBillId]);
    if (delivery.error) rows.push(["Last error", delivery.error]);
    let middleware = "";
    if (delivery.transactionId) {
      const view = fetchTransaction(n, config, delivery.transactionId, host.now());
      middleware = view.error
        ? `<p>Middleware status unavailable: ${escapeHtml(view.error)}</p>`
        : `<h2>Middleware</h2>${table(Object.entries(view.fields))}`;
    }
    return `<h2>Bill ${escapeHtml(billId)}</h2>${table(rows)}${middleware}`;
  }

  function onRequest(context: RequestContext): void {
    context.response.setHeader({ name: "Content-Type", value: "text/html; charset=utf-8" });
    const raw = context.request.parameters?.billId;
    const billId = typeof raw === "string" ? raw.trim() : "";
    const sections: string[] = [];
    try {
      const config = readConfig(n.runtime, SUITELET_PARAMETER_PREFIX);
      if (billId && !/^\d+$/.test(billId)) {
        sections.push("<p>The bill id must be a number (the vendor bill's internal id).</p>");
      } else if (billId) {
        if (context.request.method === "POST") {
          const outcome = sendNow(config, billId);
          sections.push(`<p><strong>${escapeHtml(outcome.status)}</strong>: ${escapeHtml(outcome.message)}</p>`);
        }
        sections.push(statusSection(config, billId));
      }
    } catch (err) {
      n.log.error({ title: "send bill suitelet", details: describeError(err) });
      sections.push(`<p>Error: ${escapeHtml(describeError(err))}</p>`);
    }
    context.response.write({ output: page(billId, sections) });
  }

  return { onRequest };
}
