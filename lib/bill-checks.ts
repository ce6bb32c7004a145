/**
 * The rules across bill-details fields that a JSON schema cannot say, run once at ingest (before the
 * PDF is stored, so a refused bill leaves nothing behind). The shape itself is lib/bill.ts.
 *
 * Rounding tolerance, in minor units of the bill's currency (0.01 for EUR, 1 for JPY):
 * - an item line: |quantity × rate − amount| ≤ 1 minor unit (NetSuite rounds each line's amount once);
 * - the lines: |Σ amount + tax − total| ≤ 1 minor unit per line (at least 1), where tax is taxTotal,
 *   else the sum of the lines' taxAmount; Zoho-id lineItems count as rate × quantity;
 * - line taxes against taxTotal: |Σ taxAmount − taxTotal| ≤ 1 minor unit per taxed line.
 * All arithmetic is exact (lib/money.ts), so the tolerance only ever absorbs NetSuite's own rounding.
 */
import { type BillDetails, BillTarget, MAX_BILL_LINES } from "./bill.ts";
import { CodedError } from "./errors.ts";
import {
  abs,
  decimalOf,
  formatMinorUnits,
  isCurrencyCode,
  MAX_MINOR_UNITS,
  minorUnits,
  multiply,
  rescale,
  toMinorUnits,
} from "./money.ts";

/** Stable codes for the HTTP answer (400); clients branch on these. */
export const BILL_PROBLEM_CODES = {
  unknownCurrency: "ERR_UNKNOWN_CURRENCY",
  invalidAmount: "ERR_INVALID_AMOUNT",
  lineAmountMismatch: "ERR_LINE_AMOUNT_MISMATCH",
  totalMismatch: "ERR_BILL_TOTAL_MISMATCH",
  invalidDetails: "ERR_INVALID_BILL_DETAILS",
} as const;
export type BillProblemCode = (typeof BILL_PROBLEM_CODES)[keyof typeof BILL_PROBLEM_CODES];

export interface BillProblem {
  readonly code: BillProblemCode;
  /** Where, as the client wrote it: "billDetails.itemLines[2].amount". */
  readonly path: string;
  readonly message: string;
}

/** At most this many problems are named in one answer (the first one's code is the answer's code). */
const MAX_NAMED_PROBLEMS = 5;

/** A bill whose details do not add up: 400 with the first problem's code, naming each problem. */
export class BillDetailsError extends CodedError {
  readonly problems: readonly BillProblem[];
  constructor(problems: readonly BillProblem[]) {
    const first = problems[0];
    if (!first) throw new Error("BillDetailsError needs at least one problem");
    const named = problems.slice(0, MAX_NAMED_PROBLEMS).map((p) => `${p.path}: ${p.message}`);
    const more = problems.length > MAX_NAMED_PROBLEMS ? `; and ${problems.length - MAX_NAMED_PROBLEMS} more` : "";
    super(first.code, `${named.join("; ")}${more}`, { statusCode: 400 });
    this.problems = problems;
  }
}

/** Parses the bill target (shape) and applies the rules; throws BillDetailsError (400) on any problem. */
export function parseBillTarget(input: unknown): BillTarget {
  const target = BillTarget.parse(input);
  if (target.details) {
    const problems = billDetailsProblems(target.details);
    if (problems.length > 0) throw new BillDetailsError(problems);
  }
  return target;
}

type Problems = BillProblem[];
const ROOT = "billDetails";

/** Every rule the details break, in field order; empty when they hold. */
export function billDetailsProblems(d: BillDetails): BillProblem[] {
  const problems: Problems = [];
  if (d.currencyCode !== undefined && !isCurrencyCode(d.currencyCode)) {
    problems.push({
      code: BILL_PROBLEM_CODES.unknownCurrency,
      path: `${ROOT}.currencyCode`,
      message: `${d.currencyCode} is not an ISO 4217 currency code`,
    });
  }
  const netsuiteLines = (d.expenseLines?.length ?? 0) + (d.itemLines?.length ?? 0);
  // Sums over a set of lines that cannot be right say nothing more; name the set problem alone.
  if (!checkLineSets(d, netsuiteLines, problems)) return problems;
  const digits = minorUnits(
    d.currencyCode !== undefined && isCurrencyCode(d.currencyCode) ? d.currencyCode : undefined,
  );
  const amounts = readAmounts(d, digits, problems);
  if (amounts) checkSums(d, amounts, digits, problems);
  return problems;
}

/** False when the lines cannot be summed: both kinds, too many, or no total to sum them against. */
function checkLineSets(d: BillDetails, netsuiteLines: number, problems: Problems): boolean {
  const before = problems.length;
  const invalid = (path: string, message: string) =>
    problems.push({ code: BILL_PROBLEM_CODES.invalidDetails, path: `${ROOT}${path}`, message });
  if (netsuiteLines > 0 && d.lineItems?.length) {
    invalid("", "send expenseLines/itemLines (NetSuite ids) or lineItems (Zoho ids), not both");
  }
  if (netsuiteLines > MAX_BILL_LINES) {
    invalid("", `${netsuiteLines} lines; a bill may carry at most ${MAX_BILL_LINES}`);
  }
  if (netsuiteLines > 0 && d.total === undefined) {
    invalid(".total", "is required with expenseLines or itemLines (it is checked against them)");
  }
  return problems.length === before;
}

/** Every amount of the bill in minor units; null (with problems recorded) when one is not valid. */
interface Amounts {
  readonly total: bigint | undefined;
  readonly taxTotal: bigint | undefined;
  readonly lines: readonly { readonly amount: bigint; readonly tax: bigint | undefined }[];
}

function readAmounts(d: BillDetails, digits: number, problems: Problems): Amounts | null {
  let ok = true;
  const minor = (value: number, path: string): bigint | null => {
    const units = toMinorUnits(value, digits);
    if (units !== null && units <= MAX_MINOR_UNITS) return units;
    ok = false;
    const why =
      units === null
        ? `${value} has more than ${digits} decimal place(s), the minor units of ${d.currencyCode ?? "a bill without currencyCode"}`
        : `${value} is over the largest amount (${formatMinorUnits(MAX_MINOR_UNITS, digits)})`;
    problems.push({ code: BILL_PROBLEM_CODES.invalidAmount, path: `${ROOT}${path}`, message: why });
    return null;
  };
  const optional = (value: number | undefined, path: string) =>
    value === undefined ? undefined : (minor(value, path) ?? 0n);
  const total = optional(d.total, ".total");
  const taxTotal = optional(d.taxTotal, ".taxTotal");
  const lines = [
    ...(d.expenseLines ?? []).map((l, i) => ({
      amount: minor(l.amount, `.expenseLines[${i}].amount`) ?? 0n,
      tax: optional(l.taxAmount, `.expenseLines[${i}].taxAmount`),
    })),
    ...(d.itemLines ?? []).map((l, i) => {
      const amount = minor(l.amount, `.itemLines[${i}].amount`);
      if (amount !== null) checkItemLine(l.quantity, l.rate, amount, digits, i, problems);
      return { amount: amount ?? 0n, tax: optional(l.taxAmount, `.itemLines[${i}].taxAmount`) };
    }),
    // Zoho computes these lines' totals itself, rounded to the currency: rate × quantity.
    ...(d.lineItems ?? []).map((l) => ({ amount: roundedProduct(l.quantity, l.rate, digits), tax: undefined })),
  ];
  return ok ? { total, taxTotal, lines } : null;
}

/** quantity × rate, rounded half away from zero to the currency's minor units. */
function roundedProduct(quantity: number, rate: number, digits: number): bigint {
  const p = multiply(decimalOf(quantity), decimalOf(rate));
  if (p.scale <= digits) return rescale(p, digits);
  const divisor = 10n ** BigInt(p.scale - digits);
  const half = divisor / 2n;
  return p.units < 0n ? -((-p.units + half) / divisor) : (p.units + half) / divisor;
}

function checkItemLine(
  quantity: number,
  rate: number,
  amount: bigint,
  digits: number,
  i: number,
  problems: Problems,
): void {
  const product = multiply(decimalOf(quantity), decimalOf(rate));
  const scale = Math.max(product.scale, digits);
  const difference = abs(rescale(product, scale) - rescale({ units: amount, scale: digits }, scale));
  if (difference <= 10n ** BigInt(scale - digits)) return;
  problems.push({
    code: BILL_PROBLEM_CODES.lineAmountMismatch,
    path: `${ROOT}.itemLines[${i}]`,
    message: `quantity ${quantity} × rate ${rate} = ${formatDecimal(rescale(product, scale), scale)}, but amount is ${formatMinorUnits(amount, digits)} (tolerance ${formatMinorUnits(1n, digits)})`,
  });
}

function checkSums(d: BillDetails, a: Amounts, digits: number, problems: Problems): void {
  const money = (n: bigint) => `${formatMinorUnits(n, digits)}${d.currencyCode ? ` ${d.currencyCode}` : ""}`;
  const taxed = a.lines.filter((l) => l.tax !== undefined);
  const lineTax = taxed.reduce((sum, l) => sum + (l.tax ?? 0n), 0n);
  if (a.taxTotal !== undefined && taxed.length > 0 && abs(lineTax - a.taxTotal) > BigInt(taxed.length)) {
    problems.push({
      code: BILL_PROBLEM_CODES.totalMismatch,
      path: `${ROOT}.taxTotal`,
      message: `is ${money(a.taxTotal)} but the lines' taxAmount add up to ${money(lineTax)} (tolerance ${money(BigInt(taxed.length))})`,
    });
  }
  if (a.total === undefined || a.lines.length === 0) return;
  const net = a.lines.reduce((sum, l) => sum + l.amount, 0n);
  const tax = a.taxTotal ?? lineTax;
  const tolerance = BigInt(a.lines.length);
  if (abs(net + tax - a.total) > tolerance) {
    problems.push({
      code: BILL_PROBLEM_CODES.totalMismatch,
      path: `${ROOT}.total`,
      message: `is ${money(a.total)} but the ${a.lines.length} line(s) add up to ${money(net)} + tax ${money(tax)} = ${money(net + tax)} (tolerance ${money(tolerance)})`,
    });
  }
}

function formatDecimal(units: bigint, scale: number): string {
  return formatMinorUnits(units, scale)
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "");
}
