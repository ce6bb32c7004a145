/**
 * Bills: POST /bills (JSON body, a form body with JSONString, or multipart with JSONString plus
 * an `attachment` file: bill and file in one call), GET /bills (filters and paging) and
 * GET /bills/{id}. Like Zoho, the amounts come from the lines (ledger.ts): a body that sets
 * sub_total, tax_total or total is refused, and so is an unknown currency_id or tax_id.
 * @see https://www.zoho.com/books/api/v3/bills/
 */
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { type BillLedger, billSummary, billView, type StoredBill } from "../bills-store.ts";
import { organizationOf, sendZoho } from "../plugins/books-guard.ts";
import type { SimState } from "../state.ts";
import { ZohoErrors } from "../zoho-errors.ts";
import { isError, paginate, parsePage } from "./paging.ts";
import { readMultipart, type UploadedFile } from "./upload.ts";

export interface BillsOptions {
  sim: SimState;
}

function parseJsonString(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Zoho computes these from the line items; create-a-bill-request (bills.yml) does not list them. */
const COMPUTED_FIELDS = ["total", "sub_total", "tax_total"] as const;

/** The bill's currency and the taxes its lines name, or the field that is wrong. */
function ledgerFor(sim: SimState, input: Record<string, unknown>): BillLedger | { field: string } {
  const currencyId = idString(input.currency_id);
  const currencies = sim.options.currencies;
  const currency = currencyId ? currencies.find((c) => c.currencyId === currencyId) : currencies.find((c) => c.isBase);
  if (!currency) return { field: "currency_id" };
  const taxes = new Map(sim.options.taxes.map((t) => [t.taxId, t]));
  const lines = Array.isArray(input.line_items) ? (input.line_items as Record<string, unknown>[]) : [];
  for (const li of lines) {
    const taxId = idString(li?.tax_id);
    if (taxId && !taxes.has(taxId)) return { field: "tax_id" };
  }
  return { currency, taxes };
}

const idString = (v: unknown) => (typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "");
const lower = (v: unknown) => (typeof v === "string" && v !== "" ? v.toLowerCase() : undefined);

export const billsRoutes: FastifyPluginAsync<BillsOptions> = async (app, { sim }) => {
  app.post("/bills", async (request, reply) => {
    const org = organizationOf(sim, request)!;
    let input: Record<string, unknown> | undefined;
    let attachment: UploadedFile | undefined;
    if (request.isMultipart()) {
      const body = await readMultipart(request, sim.limits.maxAttachmentBytes);
      if (body.problem) return sendZoho(reply, body.problem);
      input = parseJsonString(body.fields.JSONString);
      attachment = sim.options.ignoreCreateAttachment ? undefined : body.attachment;
    } else if (request.body && typeof request.body === "object" && "JSONString" in request.body) {
      input = parseJsonString(String((request.body as Record<string, unknown>).JSONString));
    } else if (request.body && typeof request.body === "object" && !Array.isArray(request.body)) {
      input = request.body as Record<string, unknown>;
    }
    if (!input) return sendZoho(reply, ZohoErrors.malformedJson());

    const vendorId = idString(input.vendor_id);
    const billNumber = typeof input.bill_number === "string" ? input.bill_number.trim() : "";
    if (!vendorId) return sendZoho(reply, ZohoErrors.invalidValue("vendor_id"));
    if (!billNumber) return sendZoho(reply, ZohoErrors.invalidValue("bill_number"));
    const lineItems = input.line_items;
    if (lineItems !== undefined && !Array.isArray(lineItems))
      return sendZoho(reply, ZohoErrors.invalidValue("line_items"));
    if (sim.options.requireLineItems && (!Array.isArray(lineItems) || lineItems.length === 0)) {
      return sendZoho(reply, ZohoErrors.invalidValue("line_items"));
    }
    const computed = COMPUTED_FIELDS.find((f) => f in input!);
    if (computed) return sendZoho(reply, ZohoErrors.computedField(computed));
    const vendor = org.store.vendors.get(vendorId);
    if (!vendor) return sendZoho(reply, ZohoErrors.unknownVendor());
    const ledger = ledgerFor(sim, input);
    if ("field" in ledger) return sendZoho(reply, ZohoErrors.invalidValue(ledger.field));
    const now = Date.now();
    const date = typeof input.date === "string" && input.date ? input.date : new Date(now).toISOString().slice(0, 10);
    if (org.store.hasDuplicate(vendorId, billNumber, date)) return sendZoho(reply, ZohoErrors.duplicateBillNumber());

    const bill = org.store.create(
      { ...input, vendor_id: vendorId, bill_number: billNumber, date },
      vendor,
      now,
      ledger,
    );
    if (attachment) {
      org.store.attach(bill, attachment.fileName, attachment.bytes, sim.options.storeAttachmentBytes, now);
    }
    return reply.code(201).send({ code: 0, message: "The bill has been created.", bill: billView(bill) });
  });

  app.get("/bills", async (request, reply) => {
    const org = organizationOf(sim, request)!;
    const q = request.query as Record<string, unknown>;
    const page = parsePage(q);
    if (isError(page)) return sendZoho(reply, page);
    const f = {
      number: lower(q.bill_number),
      numberStarts: lower(q.bill_number_startswith),
      numberContains: lower(q.bill_number_contains),
      reference: lower(q.reference_number),
      referenceStarts: lower(q.reference_number_startswith),
      referenceContains: lower(q.reference_number_contains),
      vendorId: typeof q.vendor_id === "string" && q.vendor_id ? q.vendor_id : undefined,
      vendorName: lower(q.vendor_name),
      status: lower(q.status),
      search: lower(q.search_text),
    };
    const matches = (b: StoredBill) => {
      const n = b.bill_number.toLowerCase();
      const r = b.reference_number.toLowerCase();
      if (f.number !== undefined && n !== f.number) return false;
      if (f.numberStarts !== undefined && !n.startsWith(f.numberStarts)) return false;
      if (f.numberContains !== undefined && !n.includes(f.numberContains)) return false;
      if (f.reference !== undefined && r !== f.reference) return false;
      if (f.referenceStarts !== undefined && !r.startsWith(f.referenceStarts)) return false;
      if (f.referenceContains !== undefined && !r.includes(f.referenceContains)) return false;
      if (f.vendorId !== undefined && b.vendor_id !== f.vendorId) return false;
      if (f.vendorName !== undefined && b.vendor_name.toLowerCase() !== f.vendorName) return false;
      if (f.status !== undefined && b.status !== f.status) return false;
      if (
        f.search !== undefined &&
        !n.includes(f.search) &&
        !r.includes(f.search) &&
        !b.vendor_name.toLowerCase().includes(f.search)
      )
        return false;
      return true;
    };
    const ascending = q.sort_order === "A";
    const rows: StoredBill[] = [];
    for (const b of org.store.candidates({ billNumber: f.number, referenceNumber: f.reference })) {
      if (matches(b)) rows.push(b);
    }
    // Insertion order is creation order; Zoho's default is newest first.
    if (!ascending) rows.reverse();
    const { rows: bills, page_context } = paginate(rows.map(billSummary), page, {
      applied_filter: "Status.All",
      sort_column: "created_time",
      sort_order: ascending ? "A" : "D",
    });
    return { code: 0, message: "success", bills, page_context };
  });

  app.get<{ Params: { bill_id: string } }>("/bills/:bill_id", async (request, reply: FastifyReply) => {
    const org = organizationOf(sim, request)!;
    const bill = org.store.bills.get(request.params.bill_id);
    if (!bill) return sendZoho(reply, ZohoErrors.billNotFound());
    return { code: 0, message: "success", bill: billView(bill) };
  });
};
