/** service/src/console/compare.ts: NetSuite's fields against the request sent to Zoho. */
import t from "tap";
import { compareFields, totalsDiffer } from "../../src/console/compare.ts";

const TOTAL = "Total (Zoho's: computed from the lines)";

const bill = {
  details: {
    vendorId: "460000000000101",
    billNumber: "INV-1",
    date: "2026-11-20",
    total: 121,
    currencyCode: "EUR",
    expenseLines: [{ account: { id: "118" }, amount: 100 }],
  },
};
const row = (rows: ReturnType<typeof compareFields>, field: string) => rows.find((r) => r.field === field);

t.test("matching fields are not flagged; a field Zoho got differently is", async (t) => {
  const sent = { bill: { vendor_id: "460000000000101", bill_number: "INV-1", date: "2026-11-21", line_items: [{}] } };
  const rows = compareFields(bill, sent);
  t.match(row(rows, "Vendor (Zoho id)"), { netsuite: "460000000000101", zoho: "460000000000101", differs: false });
  t.match(row(rows, "Lines"), { netsuite: "1", zoho: "1", differs: false });
  t.match(row(rows, "Date"), { netsuite: "2026-11-20", zoho: "2026-11-21", differs: true });
  t.match(row(rows, TOTAL), { netsuite: "121", zoho: "computed by Zoho, not recorded", differs: false });
});

t.test(
  "Total: Zoho's recorded total against NetSuite's, flagged when the recorded difference is not zero",
  async (t) => {
    const sent = { bill: { vendor_id: "460000000000101", line_items: [{}] } };
    t.match(row(compareFields(bill, sent, { zohoTotal: "121.0000", difference: "0.0000" }), TOTAL), {
      netsuite: "121",
      zoho: "121",
      differs: false,
    });
    t.match(row(compareFields(bill, sent, { zohoTotal: "100.0000", difference: "-21.0000" }), TOTAL), {
      netsuite: "121",
      zoho: "100",
      differs: true,
    });
    t.match(
      row(compareFields({ details: { vendorId: "1" } }, sent, { zohoTotal: "5.0000", difference: null }), TOTAL),
      { netsuite: "—", zoho: "5", differs: false },
      "NetSuite sent no total: nothing to compare",
    );
    t.ok(totalsDiffer({ zohoTotal: "1", difference: "0.0100" }));
    t.notOk(totalsDiffer({ zohoTotal: "1", difference: "0.0000" }));
    t.notOk(totalsDiffer({ zohoTotal: null, difference: null }));
  },
);

t.test("nothing sent yet: NetSuite's side alone, nothing flagged", async (t) => {
  const rows = compareFields(bill, null);
  t.match(row(rows, "Bill number"), { netsuite: "INV-1", zoho: "—", differs: false });
  t.notOk(rows.some((r) => r.differs));
});
