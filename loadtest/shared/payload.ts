/**
 * Request bodies for `POST /api/v1/bills` (service/src/schemas/bills.ts BillBody) and the ids that make
 * every bill of a run unique. Shared by the k6 scripts and the local benchmark; no Node built-ins.
 */
import type { Base64Encoder } from "./base64.ts";
import { encodeBase64 } from "./base64.ts";
import type { PdfTemplate } from "./pdf.ts";
import { stampPdf } from "./pdf.ts";

/** Where the ingest API lives, relative to the base URL. */
export const INGEST_PATH = "/api/v1/bills";
export const TRANSACTIONS_PATH = "/api/v1/transactions";
export const API_KEY_HEADER = "x-api-key";

/** Bill fields the worker uses to create the bill in Zoho (lib/bill.ts BillDetails, as JSON). */
export interface BillDetailsBody {
  readonly vendorName?: string;
  readonly vendorId?: string;
  readonly billNumber: string;
  readonly referenceNumber: string;
  readonly date: string;
  readonly dueDate: string;
  readonly currencyCode: string;
  readonly total: number;
  readonly lineItems: readonly { readonly name: string; readonly rate: number; readonly quantity: number }[];
}

export interface BillRequestBody {
  readonly netsuiteBillId: string;
  readonly fileName: string;
  readonly mimeType: "application/pdf";
  readonly base64Data: string;
  /** Present unless the test sends bare PDFs (service/src/schemas/bills.ts `billDetails`). */
  readonly billDetails?: BillDetailsBody;
}

/**
 * A bill id unique to one run: `lt-<run>-<stream>-<n>`. `stream` keeps parallel generators apart
 * (a k6 scenario name, a benchmark phase); `n` counts within it. Fits the PDF id slot.
 */
export function billId(runId: string, stream: string, n: number): string {
  return `lt-${runId}-${stream}-${n}`;
}

/** A run id: base-36 time plus a random part, short enough for bill ids and bucket-safe. */
export function newRunId(now: number = Date.now(), random: number = Math.random()): string {
  return `${now.toString(36)}${Math.floor(random * 36 ** 4)
    .toString(36)
    .padStart(4, "0")}`;
}

/**
 * The vendor the bills are for: it must exist in the Zoho organization (a name matching exactly
 * one vendor, or its contact id). The default is one of the Zoho simulator's vendors.
 */
export type Vendor = { readonly vendorName: string } | { readonly vendorId: string };
export const DEFAULT_VENDOR: Vendor = { vendorName: "Acme Supplies" };

/** The details of a made-up bill whose total matches its one line item. */
export function billDetails(
  netsuiteBillId: string,
  today: Date = new Date(),
  vendor: Vendor = DEFAULT_VENDOR,
): BillDetailsBody {
  const day = (d: Date): string => d.toISOString().slice(0, 10);
  const due = new Date(today.getTime() + 30 * 86_400_000);
  // One division of an integer: the nearest double to a two-decimal amount, printed as such.
  const total = (10_000 + (hash(netsuiteBillId) % 900_000)) / 100;
  return {
    ...vendor,
    billNumber: netsuiteBillId.slice(-100),
    referenceNumber: netsuiteBillId.slice(-100),
    date: day(today),
    dueDate: day(due),
    currencyCode: "USD",
    total,
    lineItems: [{ name: "Load test services", rate: total, quantity: 1 }],
  };
}

export interface BuildBillOptions {
  readonly netsuiteBillId: string;
  readonly template: PdfTemplate;
  /** Defaults to the plain-TypeScript encoder; pass k6's b64encode or Buffer in their runtimes. */
  readonly encode?: Base64Encoder;
  /** Send bill details so the worker creates the bill (else it looks it up by reference). @default true */
  readonly withDetails?: boolean;
  readonly today?: Date;
  /** @default DEFAULT_VENDOR */
  readonly vendor?: Vendor;
}

/** The JSON body for one bill, with its own PDF bytes. */
export function buildBillRequest(options: BuildBillOptions): BillRequestBody {
  const { netsuiteBillId, template, encode = encodeBase64, withDetails = true, today, vendor } = options;
  const base64Data = encode(stampPdf(template, netsuiteBillId));
  const body = { netsuiteBillId, fileName: `${netsuiteBillId}.pdf`, mimeType: "application/pdf" as const, base64Data };
  return withDetails ? { ...body, billDetails: billDetails(netsuiteBillId, today, vendor) } : body;
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i += 1) h = (Math.imul(h, 31) + text.charCodeAt(i)) >>> 0;
  return h;
}
