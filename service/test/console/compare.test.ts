/** service/src/console/compare.ts: NetSuite's fields against the request sent to Zoho. */
import t from "tap";
import { compareFields } from "../../src/console/compare.ts";

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
  t.match(row(rows, "Total"), { netsuite: "121", zoho: "computed by Zoho", differs: false });
});

t.test("nothing sent yet: NetSuite's side alone, nothing flagged", async (t) => {
  const rows = compareFields(bill, null);
  t.match(row(rows, "Bill number"), { netsuite: "INV-1", zoho: "—", differs: false });
  t.notOk(rows.some((r) => r.differs));
});
