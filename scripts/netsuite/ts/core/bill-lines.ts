/**
 * The bill's amounts as the service's contract wants them (lib/bill.ts BillDetails): the `expense`
 * and `item` sublists, tax, currency, exchange rate and total, read from the record itself.
 * record.load costs 10 units on a transaction; getLineCount, getSublistValue/Text and getValue cost
 * none (Oracle, SuiteScript 2.x API Governance), so a bill of 500 lines costs what a bill of one does.
 * A search over the lines would return one row per line, tax line and file instead.
 *
 * Field ids (SuiteScript Records Browser, vendorbill): expense account/amount/memo/department/class/
 * location/taxcode/tax1amt; item item/quantity/rate/amount/description/...; body usertotal (the
 * bill's amount), taxtotal, currencysymbol (the ISO code), exchangerate. Legacy-tax fields (taxcode,
 * tax1amt) are empty under SuiteTax; the body taxtotal is read either way.
 * Amounts are passed through as NetSuite stores them: no arithmetic here, the service checks the sums.
 */
import type { BillDetails, ExpenseLine, ItemLine, NetsuiteRef } from "./ingest-request.ts";
import type { NModules } from "./types.ts";

type LoadedRecord = ReturnType<NModules["record"]["load"]>;

export const SUBLISTS = { expense: "expense", item: "item" } as const;

/** What the record adds to the search's header fields. */
export type BillAmounts = Pick<
  BillDetails,
  "expenseLines" | "itemLines" | "taxTotal" | "total" | "currencyCode" | "exchangeRate"
>;

const present = (v: unknown): boolean => v !== null && v !== undefined && v !== "";

/**
 * A JSON number for a NetSuite amount. Doubles carry noise past the 15th significant digit (a value
 * computed inside NetSuite may read 28.499999999999996); real amounts never have more than 15 digits
 * (the service's limit), so rounding to 15 significant digits removes only the noise.
 */
export function money(v: unknown): number | undefined {
  if (!present(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? Number(n.toPrecision(15)) : undefined;
}

function ref(rec: LoadedRecord, sublistId: string, fieldId: string, line: number): NetsuiteRef | undefined {
  const id = rec.getSublistValue({ sublistId, fieldId, line });
  if (!present(id)) return undefined;
  const name = String(rec.getSublistText({ sublistId, fieldId, line }) ?? "").trim();
  return { id: String(id), ...(name ? { name: name.slice(0, 200) } : {}) };
}

function text(rec: LoadedRecord, sublistId: string, fieldId: string, line: number, max: number): string | undefined {
  const value = rec.getSublistValue({ sublistId, fieldId, line });
  return present(value) ? String(value).slice(0, max) : undefined;
}

/** Department, class, location and legacy tax, each only where the line has it. */
function extras(rec: LoadedRecord, sublistId: string, line: number) {
  const department = ref(rec, sublistId, "department", line);
  const klass = ref(rec, sublistId, "class", line);
  const location = ref(rec, sublistId, "location", line);
  const taxCode = ref(rec, sublistId, "taxcode", line);
  const taxAmount = money(rec.getSublistValue({ sublistId, fieldId: "tax1amt", line }));
  return {
    ...(department ? { department } : {}),
    ...(klass ? { class: klass } : {}),
    ...(location ? { location } : {}),
    ...(taxCode ? { taxCode } : {}),
    ...(taxAmount === undefined ? {} : { taxAmount }),
  };
}

function expenseLine(rec: LoadedRecord, line: number): ExpenseLine {
  const s = SUBLISTS.expense;
  const memo = text(rec, s, "memo", line, 2000);
  return {
    account: ref(rec, s, "account", line) ?? { id: "" },
    amount: money(rec.getSublistValue({ sublistId: s, fieldId: "amount", line })) ?? Number.NaN,
    ...(memo ? { memo } : {}),
    ...extras(rec, s, line),
  };
}

function itemLine(rec: LoadedRecord, line: number): ItemLine {
  const s = SUBLISTS.item;
  const description = text(rec, s, "description", line, 2000);
  const number = (fieldId: string) => money(rec.getSublistValue({ sublistId: s, fieldId, line })) ?? Number.NaN;
  return {
    item: ref(rec, s, "item", line) ?? { id: "" },
    quantity: number("quantity"),
    rate: number("rate"),
    amount: number("amount"),
    ...(description ? { description } : {}),
    ...extras(rec, s, line),
  };
}

function lines<T>(rec: LoadedRecord, sublistId: string, read: (rec: LoadedRecord, line: number) => T): T[] {
  const count = rec.getLineCount({ sublistId });
  return Array.from({ length: Math.max(0, count) }, (_, line) => read(rec, line));
}

/**
 * Reads one loaded vendor bill. A value NetSuite leaves empty is left out; one that is not a number
 * (a discount item's "-10%" rate) goes as null, which the service refuses with a 400 naming it.
 */
export function readBillAmounts(rec: LoadedRecord): BillAmounts {
  const expenseLines = lines(rec, SUBLISTS.expense, expenseLine);
  const itemLines = lines(rec, SUBLISTS.item, itemLine);
  const total = money(rec.getValue({ fieldId: "usertotal" }));
  const taxTotal = money(rec.getValue({ fieldId: "taxtotal" }));
  const exchangeRate = money(rec.getValue({ fieldId: "exchangerate" }));
  const currency = String(rec.getValue({ fieldId: "currencysymbol" }) ?? "").trim();
  return {
    ...(expenseLines.length ? { expenseLines } : {}),
    ...(itemLines.length ? { itemLines } : {}),
    ...(total === undefined ? {} : { total }),
    ...(taxTotal === undefined ? {} : { taxTotal }),
    ...(/^[A-Z]{3}$/.test(currency) ? { currencyCode: currency } : {}),
    ...(exchangeRate === undefined ? {} : { exchangeRate }),
  };
}

/** record.load (10 units) of the vendor bill, then readBillAmounts. */
export function loadBillAmounts(n: Pick<NModules, "record">, billId: string): BillAmounts {
  return readBillAmounts(n.record.load({ type: n.record.Type.VENDOR_BILL, id: billId, isDynamic: false }));
}
