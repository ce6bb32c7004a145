/**
 * Bills: POST /bills (JSON body, a form body with JSONString, or multipart with JSONString plus
 * an `attachment` file: bill and file in one call), GET /bills (filters and paging) and
 * GET /bills/{id}. Like Zoho, the amounts come from the lines (ledger.ts): a body that sets
 * sub_total, tax_total or total is refused, and so is an unknown currency_id or tax_id.
 * @see https://www.zoho.com/books/api/v3/bills/
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { type BillLedger, billSummary, billView, type StoredBill } from "../bills-store.ts";
import type { SimVendor } from "../options.ts";
import { organizationOf, sendZoho } from "../plugins/books-guard.ts";
import type { Organization, SimState } from "../state.ts";
import { type ZohoError, ZohoErrors } from "../zoho-errors.ts";
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

/** The create body and its file, from JSON, a form with JSONString or multipart; input is undefined if unreadable. */
async function readCreateBody(
  sim: SimState,
  request: FastifyRequest,
): Promise<{ input?: Record<string, unknown>; attachment?: UploadedFile } | { problem: ZohoError }> {
  if (request.isMultipart()) {
    const body = await readMultipart(request, sim.limits.maxAttachmentBytes);
    if (body.problem) return { problem: body.problem };
    const attachment = sim.options.ignoreCreateAttachment ? undefined : body.attachment;
    return { input: parseJsonString(body.fields.JSONString), attachment };
  }
  if (request.body && typeof request.body === "object" && "JSONString" in request.body) {
    return { input: parseJsonString(String((request.body as Record<string, unknown>).JSONString)) };
  }
  if (request.body && typeof request.body === "object" && !Array.isArray(request.body)) {
    return { input: request.body as Record<string, unknown> };
  }
  return {};
}

/** A bill create body checked against the organization: the fields to store, or Zoho's refusal. */
type CheckedBill =
  | {
      fields: Record<string, unknown>;
      vendor: SimVendor;
      ledger: BillLedger;
      now: number;
    }
  | { problem: ZohoError };

function checkCreateInput(sim: SimState, org: Organization, input: Record<string, unknown>): CheckedBill {
  const vendorId = idString(input.vendor_id);
  const billNumber = typeof input.bill_number === "string" ? input.bill_number.trim() : "";
  if (!vendorId) return { problem: ZohoErrors.invalidValue("vendor_id") };
  if (!billNumber) return { problem: ZohoErrors.invalidValue("bill_number") };
  const lineItems = input.line_items;
  if (lineItems !== undefined && !Array.isArray(lineItems)) return { problem: ZohoErrors.invalidValue("line_items") };
  if (sim.options.requireLineItems && (!Array.isArray(lineItems) || lineItems.length === 0)) {
    return { problem: ZohoErrors.invalidValue("line_items") };
  }
  const computed = COMPUTED_FIELDS.find((f) => f in input);
  if (computed) return { problem: ZohoErrors.computedField(computed) };
  const vendor = org.store.vendors.get(vendorId);
  if (!vendor) return { problem: ZohoErrors.unknownVendor() };
  const ledger = ledgerFor(sim, input);
  if ("field" in ledger) return { problem: ZohoErrors.invalidValue(ledger.field) };
  const now = Date.now();
  const date = typeof input.date === "string" && input.date ? input.date : new Date(now).toISOString().slice(0, 10);
  if (org.store.hasDuplicate(vendorId, billNumber, date)) return { problem: ZohoErrors.duplicateBillNumber() };
  return { fields: { ...input, vendor_id: vendorId, bill_number: billNumber, date }, vendor, ledger, now };
}

async function createBill(sim: SimState, request: FastifyRequest, reply: FastifyReply) {
  const org = organizationOf(sim, request)!;
  const body = await readCreateBody(sim, request);
  if ("problem" in body) return sendZoho(reply, body.problem);
  if (!body.input) return sendZoho(reply, ZohoErrors.malformedJson());
  const checked = checkCreateInput(sim, org, body.input);
  if ("problem" in checked) return sendZoho(reply, checked.problem);
  const { fields, vendor, ledger, now } = checked;
  const bill = org.store.create(fields, vendor, now, ledger);
  const attachment = body.attachment;
  if (attachment) {
    org.store.attach(bill, attachment.fileName, attachment.bytes, sim.options.storeAttachmentBytes, now);
  }
  return reply.code(201).send({ code: 0, message: "The bill has been created.", bill: billView(bill) });
}

/** GET /bills filters, lower-cased as Zoho compares them case-insensitively. */
function listFilters(q: Record<string, unknown>) {
  return {
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
}

function matchesFilters(f: ReturnType<typeof listFilters>, b: StoredBill): boolean {
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
}

async function listBills(sim: SimState, request: FastifyRequest, reply: FastifyReply) {
  const org = organizationOf(sim, request)!;
  const q = request.query as Record<string, unknown>;
  const page = parsePage(q);
  if (isError(page)) return sendZoho(reply, page);
  const f = listFilters(q);
  const ascending = q.sort_order === "A";
  const rows: StoredBill[] = [];
  for (const b of org.store.candidates({ billNumber: f.number, referenceNumber: f.reference })) {
    if (matchesFilters(f, b)) rows.push(b);
  }
  // Insertion order is creation order; Zoho's default is newest first.
  if (!ascending) rows.reverse();
  const { rows: bills, page_context } = paginate(rows.map(billSummary), page, {
    applied_filter: "Status.All",
    sort_column: "created_time",
    sort_order: ascending ? "A" : "D",
  });
  return { code: 0, message: "success", bills, page_context };
}

function getBill(sim: SimState, request: FastifyRequest<{ Params: { bill_id: string } }>, reply: FastifyReply) {
  const org = organizationOf(sim, request)!;
  const bill = org.store.bills.get(request.params.bill_id);
  if (!bill) return sendZoho(reply, ZohoErrors.billNotFound());
  return { code: 0, message: "success", bill: billView(bill) };
}

export const billsRoutes: FastifyPluginAsync<BillsOptions> = async (app, { sim }) => {
  app.post("/bills", (request, reply) => createBill(sim, request, reply));
  app.get("/bills", (request, reply) => listBills(sim, request, reply));
  app.get<{ Params: { bill_id: string } }>("/bills/:bill_id", async (request, reply) => getBill(sim, request, reply));
};
