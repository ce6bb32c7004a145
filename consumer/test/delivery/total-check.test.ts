import t from "tap";
import { BillDetails } from "../../../lib/bill.ts";
import { compareTotals } from "../../src/delivery/total-check.ts";

const details = (fields: Record<string, unknown>) => BillDetails.parse({ billNumber: "B-1", ...fields });

t.test("equal totals give a zero difference in the currency's digits", async (t) => {
  t.same(compareTotals(480, details({ total: 480, currencyCode: "EUR" })), { zohoTotal: "480.00", difference: "0.00" });
  t.same(compareTotals(1200, details({ total: 1200, currencyCode: "JPY" })), { zohoTotal: "1200", difference: "0" });
});

t.test("a difference is Zoho minus NetSuite, exact (no float drift)", async (t) => {
  t.same(compareTotals(0.3, details({ total: 0.31 })).difference, "-0.01");
  t.same(compareTotals(100, details({ total: 120 })), { zohoTotal: "100.00", difference: "-20.00" });
  t.same(compareTotals(1250.5, details({ total: 1250.49 })).difference, "0.01");
});

t.test("float noise in Zoho's number is rounded to the currency's digits", async (t) => {
  t.same(compareTotals(0.1 + 0.2, details({ total: 0.3 })), { zohoTotal: "0.30", difference: "0.00" });
});

t.test("without NetSuite's total only Zoho's is recorded", async (t) => {
  t.same(compareTotals(42, details({})), { zohoTotal: "42.00", difference: null });
});
