/**
 * Bills and their attachments for one organization, kept in memory. Bills are indexed by
 * (vendor, bill number, year) for Zoho's duplicate rule, and by bill and reference number
 * (lower-cased) so list filters stay cheap under load.
 */
import { createHash } from "node:crypto";
import { billAmounts, lineAmounts, type SimCurrency, type SimTax } from "./ledger.ts";
import type { SimVendor } from "./options.ts";
import { formatBytes } from "./zoho-errors.ts";

export interface StoredDocument {
  document_id: string;
  file_name: string;
  file_type: string;
  file_size: number;
  file_size_formatted: string;
  attachment_order: number;
  /** Simulator-only: never part of Zoho's bill object. */
  sha256: string;
  uploaded_at: string;
  bytes: Buffer | null;
}

export interface LineItemInput {
  line_item_id?: unknown;
  account_id?: unknown;
  item_id?: unknown;
  name?: unknown;
  description?: unknown;
  rate?: unknown;
  quantity?: unknown;
  tax_id?: unknown;
  [key: string]: unknown;
}

export interface StoredBill {
  bill_id: string;
  bill_number: string;
  reference_number: string;
  vendor_id: string;
  vendor_name: string;
  status: string;
  date: string;
  due_date: string;
  currency_id: string;
  currency_code: string;
  exchange_rate: number;
  price_precision: number;
  line_items: Record<string, unknown>[];
  sub_total: number;
  tax_total: number;
  total: number;
  balance: number;
  payment_made: number;
  notes: string;
  terms: string;
  custom_fields: unknown[];
  created_time: string;
  last_modified_time: string;
  documents: StoredDocument[];
}

/** Zoho-style timestamp: ISO 8601 with a +0000 offset and no milliseconds. */
export function zohoTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}

/** What a create needs besides the body: the bill's currency and the organization's taxes. */
export interface BillLedger {
  readonly currency: SimCurrency;
  readonly taxes: ReadonlyMap<string, SimTax>;
}
const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

export class BillStore {
  readonly bills = new Map<string, StoredBill>();
  readonly vendors = new Map<string, SimVendor>();
  private readonly byKey = new Map<string, string>();
  private readonly byNumber = new Map<string, Set<string>>();
  private readonly byReference = new Map<string, Set<string>>();
  private nextId: number;
  private nextDocumentId: number;
  private nextLineId: number;

  constructor(vendors: readonly SimVendor[], idSeed: number) {
    for (const v of vendors) this.vendors.set(v.contactId, v);
    this.nextId = idSeed * 1_000_000;
    this.nextDocumentId = idSeed * 1_000_000;
    this.nextLineId = idSeed * 1_000_000;
  }

  /** Zoho lets a bill number repeat for another vendor or in another financial year (calendar year here). */
  duplicateKey(vendorId: string, billNumber: string, date: string): string {
    return `${vendorId}\u0000${billNumber.toLowerCase()}\u0000${date.slice(0, 4)}`;
  }

  hasDuplicate(vendorId: string, billNumber: string, date: string): boolean {
    return this.byKey.has(this.duplicateKey(vendorId, billNumber, date));
  }

  create(input: Record<string, unknown>, vendor: SimVendor, now: number, ledger: BillLedger): StoredBill {
    const date = str(input.date) || new Date(now).toISOString().slice(0, 10);
    const precision = ledger.currency.precision;
    const lineItems = Array.isArray(input.line_items) ? (input.line_items as LineItemInput[]) : [];
    const amounts = lineItems.map((li) =>
      lineAmounts(
        Number(li.rate ?? 0) || 0,
        Number(li.quantity ?? 1) || 1,
        ledger.taxes.get(str(li.tax_id)),
        precision,
      ),
    );
    const lines = lineItems.map((li, i) => {
      const a = amounts[i]!;
      return {
        ...li,
        line_item_id: `${++this.nextLineId}`,
        account_id: str(li.account_id),
        item_id: str(li.item_id),
        name: str(li.name),
        description: str(li.description),
        rate: Number(li.rate ?? 0) || 0,
        quantity: Number(li.quantity ?? 1) || 1,
        tax_id: a.tax?.taxId ?? "",
        tax_name: a.tax?.name ?? "",
        tax_percentage: a.tax?.percentage ?? 0,
        item_total: a.itemTotal,
      };
    });
    const totals = billAmounts(amounts, precision);
    const bill: StoredBill = {
      bill_id: `46000${++this.nextId}`,
      bill_number: str(input.bill_number),
      reference_number: str(input.reference_number),
      vendor_id: vendor.contactId,
      vendor_name: vendor.contactName,
      status: "open",
      date,
      due_date: str(input.due_date) || date,
      currency_id: ledger.currency.currencyId,
      currency_code: ledger.currency.code,
      exchange_rate: Number(input.exchange_rate ?? 1) || 1,
      price_precision: precision,
      line_items: lines,
      ...totals,
      balance: totals.total,
      payment_made: 0,
      notes: str(input.notes),
      terms: str(input.terms),
      custom_fields: Array.isArray(input.custom_fields) ? input.custom_fields : [],
      created_time: zohoTime(now),
      last_modified_time: zohoTime(now),
      documents: [],
    };
    this.bills.set(bill.bill_id, bill);
    this.byKey.set(this.duplicateKey(bill.vendor_id, bill.bill_number, bill.date), bill.bill_id);
    addTo(this.byNumber, bill.bill_number.toLowerCase(), bill.bill_id);
    if (bill.reference_number) addTo(this.byReference, bill.reference_number.toLowerCase(), bill.bill_id);
    return bill;
  }

  attach(bill: StoredBill, fileName: string, bytes: Buffer, keepBytes: boolean, now: number): StoredDocument {
    const ext = extensionOf(fileName);
    const doc: StoredDocument = {
      document_id: `46100${++this.nextDocumentId}`,
      file_name: fileName,
      file_type: ext,
      file_size: bytes.length,
      file_size_formatted: formatBytes(bytes.length),
      attachment_order: bill.documents.length + 1,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      uploaded_at: zohoTime(now),
      bytes: keepBytes ? bytes : null,
    };
    bill.documents.push(doc);
    bill.last_modified_time = zohoTime(now);
    return doc;
  }

  deleteAttachments(bill: StoredBill, now: number): number {
    const n = bill.documents.length;
    bill.documents = [];
    bill.last_modified_time = zohoTime(now);
    return n;
  }

  /** Candidate ids for a list query: narrowed by an index when an exact number filter is given. */
  candidates(filters: { billNumber?: string; referenceNumber?: string }): Iterable<StoredBill> {
    const ids = filters.billNumber
      ? this.byNumber.get(filters.billNumber.toLowerCase())
      : filters.referenceNumber
        ? this.byReference.get(filters.referenceNumber.toLowerCase())
        : undefined;
    if (filters.billNumber || filters.referenceNumber) {
      return [...(ids ?? [])].map((id) => this.bills.get(id)!);
    }
    return this.bills.values();
  }
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (set) set.add(id);
  else index.set(key, new Set([id]));
}

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : "";
}

/** The bill as Zoho returns it (GET /bills/{id}, create): no simulator-only fields. */
export function billView(bill: StoredBill): Record<string, unknown> {
  const { documents, ...rest } = bill;
  const latest = documents[documents.length - 1];
  return {
    ...rest,
    has_attachment: documents.length > 0,
    attachment_name: latest?.file_name ?? "",
    documents: documents.map(({ sha256: _s, bytes: _b, uploaded_at: _u, ...d }) => d),
  };
}

/** A list row: summary fields only, as GET /bills returns them. */
export function billSummary(bill: StoredBill): Record<string, unknown> {
  return {
    bill_id: bill.bill_id,
    vendor_id: bill.vendor_id,
    vendor_name: bill.vendor_name,
    status: bill.status,
    bill_number: bill.bill_number,
    reference_number: bill.reference_number,
    date: bill.date,
    due_date: bill.due_date,
    currency_id: bill.currency_id,
    currency_code: bill.currency_code,
    total: bill.total,
    balance: bill.balance,
    has_attachment: bill.documents.length > 0,
    created_time: bill.created_time,
    last_modified_time: bill.last_modified_time,
  };
}
