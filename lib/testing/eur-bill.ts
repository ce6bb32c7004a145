/**
 * The EUR bill the demo sends (scripts/dev/demo.ts) and the tests deliver or fix: three expense
 * lines with 20 % VAT (400 + 80 = 480), as scripts/netsuite sends a bill. scripts/dev/local-up.sh
 * maps its vendor, accounts 58-60 and tax code 5 to the Zoho Books simulator's ids
 * (scripts/zoho-sim/ledger.ts); consumer/test/e2e/finance.test.ts maps the same ones.
 */

/** One expense line taxed with tax code 5 (VAT 20 %). */
export function vatLine(account: string, name: string, amount: number, taxAmount: number, memo: string) {
  return { account: { id: account, name }, amount, memo, taxCode: { id: "5", name: "VAT 20%" }, taxAmount };
}

/** A fresh copy each call, so a test that changes one cannot change another's. */
export function eurBill() {
  return {
    vendorName: "Acme Supplies",
    currencyCode: "EUR",
    exchangeRate: 1.08,
    expenseLines: [
      vatLine("58", "Office supplies", 100, 20, "Paper"),
      vatLine("59", "Travel", 250.5, 50.1, "Train tickets"),
      vatLine("60", "IT services", 49.5, 9.9, "Cloud backup"),
    ],
    taxTotal: 80,
    total: 480,
  };
}

/** The bill's expense lines with line `i` changed (a fix or a money change in the operator tests). */
export function withLine<L extends object>(bill: { readonly expenseLines: readonly L[] }, i: number, change: object) {
  return bill.expenseLines.map((l, j) => (j === i ? { ...l, ...change } : l));
}
