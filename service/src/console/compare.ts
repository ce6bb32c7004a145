/**
 * NetSuite's fields next to what the worker last sent to Zoho (the audit log's request of the bill
 * create), row by row, so a clerk sees at a glance what reached Zoho. Fields that mean the same on
 * both sides are flagged when they differ; the raw JSON stays on the page below the table.
 */
import { BillTarget } from "../../../lib/bill.ts";

export interface CompareRow {
  readonly field: string;
  readonly netsuite: string;
  readonly zoho: string;
  /** Both sides hold the same thing and it differs. */
  readonly differs: boolean;
}

const show = (v: unknown) => (v === undefined || v === null || v === "" ? "—" : String(v));
const count = (...lists: (readonly unknown[] | undefined)[]) =>
  lists.some((l) => l !== undefined) ? lists.reduce((n, l) => n + (l?.length ?? 0), 0) : undefined;

/** What the worker recorded after create (consumer/src/delivery/total-check.ts): numeric text or null. */
export interface RecordedTotals {
  readonly zohoTotal: string | null;
  /** Zoho's total − NetSuite's; null when NetSuite sent no total. */
  readonly difference: string | null;
}

/** A recorded difference that is not zero (numeric text such as "0.0000" or "-0.1000"). */
export const totalsDiffer = (t: RecordedTotals | undefined) =>
  t?.difference !== null && t?.difference !== undefined && Number(t.difference) !== 0;

/**
 * `sent` is the audit log's request: { bill: Zoho's bill JSON, attachment?, query? }. Zoho's total is
 * not sent (Zoho computes it from the lines): its side is the total Zoho answered, recorded on the row.
 */
export function compareFields(bill: unknown, sent: unknown, totals?: RecordedTotals): CompareRow[] {
  const d = BillTarget.safeParse(bill ?? {}).data?.details;
  const z = ((sent as { bill?: Record<string, unknown> } | null)?.bill ?? {}) as Record<string, unknown>;
  const zLines = Array.isArray(z.line_items) ? z.line_items.length : undefined;
  const rows: [string, unknown, unknown, boolean][] = [
    ["Vendor (Zoho id)", d?.vendorId, z.vendor_id, true],
    ["Vendor name", d?.vendorName, z.vendor_name, false],
    ["Bill number", d?.billNumber, z.bill_number, true],
    ["Reference", d?.referenceNumber, z.reference_number, true],
    ["Date", d?.date, z.date, true],
    ["Due date", d?.dueDate, z.due_date, true],
    ["Currency", d?.currencyCode, z.currency_id ?? z.currency_code, false],
    ["Exchange rate", d?.exchangeRate, z.exchange_rate, false],
    ["Lines", count(d?.expenseLines, d?.itemLines, d?.lineItems), zLines, true],
  ];
  const zohoTotal =
    totals?.zohoTotal != null ? Number(totals.zohoTotal) : sent !== null ? "computed by Zoho, not recorded" : undefined;
  return [
    ...rows.map(([field, ns, zo, comparable]) => ({
      field,
      netsuite: show(ns),
      zoho: show(zo),
      differs: comparable && sent !== null && show(ns) !== show(zo) && ns !== undefined,
    })),
    {
      field: "Total (Zoho's: computed from the lines)",
      netsuite: show(d?.total),
      zoho: show(zohoTotal),
      differs: totalsDiffer(totals),
    },
  ];
}
