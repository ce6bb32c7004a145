/**
 * The organization's books settings the simulator knows: currencies (GET /settings/currencies),
 * taxes (a line's tax_id) and expense accounts (a line's account_id; listed for people, not
 * enforced), and how Zoho computes a bill's amounts from its lines: each line's item_total =
 * rate × quantity, its tax = item_total × the tax's percentage, both rounded to the currency's
 * precision; sub_total, tax_total and total are their sums. Arithmetic in integer minor units.
 * @see currency.yml list-currencies-response, bills.yml bill (sub_total, tax_total, total, price_precision)
 */

export interface SimCurrency {
  readonly currencyId: string;
  readonly code: string;
  readonly name: string;
  readonly precision: number;
  readonly isBase?: boolean;
}

export interface SimTax {
  readonly taxId: string;
  readonly name: string;
  readonly percentage: number;
}

export interface SimAccount {
  readonly accountId: string;
  readonly name: string;
}

/** Stable ids, so tests and the local stack can name them. USD is the base currency. */
export const DEFAULT_CURRENCIES: readonly SimCurrency[] = Object.freeze([
  { currencyId: "460000000000099", code: "USD", name: "USD- US Dollar", precision: 2, isBase: true },
  { currencyId: "460000000000100", code: "EUR", name: "EUR- Euro", precision: 2 },
  { currencyId: "460000000000101", code: "GBP", name: "GBP- Pound Sterling", precision: 2 },
  { currencyId: "460000000000102", code: "JPY", name: "JPY- Japanese Yen", precision: 0 },
]);

export const DEFAULT_TAXES: readonly SimTax[] = Object.freeze([
  { taxId: "460000000027005", name: "VAT 20%", percentage: 20 },
  { taxId: "460000000027006", name: "VAT 19%", percentage: 19 },
  { taxId: "460000000027007", name: "Reduced 7%", percentage: 7 },
]);

export const DEFAULT_ACCOUNTS: readonly SimAccount[] = Object.freeze([
  { accountId: "460000000000900", name: "Office Supplies" },
  { accountId: "460000000000901", name: "Travel Expense" },
  { accountId: "460000000000902", name: "IT and Internet Expenses" },
]);

export interface LineAmounts {
  readonly itemTotal: number;
  readonly taxAmount: number;
  readonly tax: SimTax | undefined;
}

const scaleOf = (precision: number) => 10 ** precision;
const toMinor = (n: number, precision: number) => Math.round(n * scaleOf(precision));

/** One line's amounts, the way Zoho rounds them (per line, to the currency's precision). */
export function lineAmounts(rate: number, quantity: number, tax: SimTax | undefined, precision: number): LineAmounts {
  const totalMinor = toMinor(rate * quantity, precision);
  const taxMinor = tax ? Math.round((totalMinor * tax.percentage) / 100) : 0;
  return { itemTotal: totalMinor / scaleOf(precision), taxAmount: taxMinor / scaleOf(precision), tax };
}

/** sub_total, tax_total and total of the lines, summed in minor units. */
export function billAmounts(
  lines: readonly LineAmounts[],
  precision: number,
): { sub_total: number; tax_total: number; total: number } {
  const sub = lines.reduce((s, l) => s + toMinor(l.itemTotal, precision), 0);
  const tax = lines.reduce((s, l) => s + toMinor(l.taxAmount, precision), 0);
  const scale = scaleOf(precision);
  return { sub_total: sub / scale, tax_total: tax / scale, total: (sub + tax) / scale };
}

/** The currency.yml list-currencies-response row. */
export function currencyView(c: SimCurrency): Record<string, unknown> {
  return {
    currency_id: c.currencyId,
    currency_code: c.code,
    currency_name: c.name,
    currency_symbol: c.code === "EUR" ? "€" : c.code === "GBP" ? "£" : c.code === "JPY" ? "¥" : "$",
    price_precision: c.precision,
    currency_format: "1,234,567.89",
    is_base_currency: c.isBase === true,
    exchange_rate: 1,
    effective_date: "",
  };
}
