/**
 * What an operator's fix may change. Vendor, accounts, items, dates and references are ours to
 * correct (a mapping Zoho rejected); money is NetSuite's: one admin key must not be able to change
 * the amounts, tax or currency of a bill and then have it created in Zoho (issue 16). A bill whose
 * amounts are wrong is corrected in NetSuite and sent again.
 */
import type { BillDetails } from "../bill.ts";
import { billDetailsProblems } from "../bill-checks.ts";
import { OperationError } from "./operation-error.ts";

/** The money of a bill, in a form two versions can be compared by. */
function moneyOf(d: Partial<BillDetails> | undefined): string {
  if (!d) return "{}";
  return JSON.stringify({
    total: d.total,
    taxTotal: d.taxTotal,
    currencyCode: d.currencyCode,
    exchangeRate: d.exchangeRate,
    expense: d.expenseLines?.map((l) => [l.amount, l.taxAmount]),
    item: d.itemLines?.map((l) => [l.quantity, l.rate, l.amount, l.taxAmount]),
    zoho: d.lineItems?.map((l) => [l.quantity, l.rate]),
  });
}

/** Refuses a fix that changes money, and fixed details that break the ingest rules. */
export function assertFixKeepsMoney(before: Partial<BillDetails> | undefined, after: BillDetails | undefined): void {
  if (moneyOf(before) !== moneyOf(after)) {
    throw new OperationError(
      "ERR_FIX_CHANGES_MONEY",
      "a fix may not change amounts, tax, currency or exchange rate: correct the bill in NetSuite and send it again",
    );
  }
  const problems = after ? billDetailsProblems(after) : [];
  if (problems.length > 0) {
    throw new OperationError("ERR_BAD_BILL_FIX", `bill fix is invalid: ${problems.map((p) => p.message).join("; ")}`);
  }
}
