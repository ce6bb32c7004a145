import t from "tap";
import { BillDetails } from "../../../lib/bill.ts";
import { NoDefaultAccountError, toZohoBillInput, toZohoLineItem } from "../../src/delivery/zoho-bill-input.ts";

const ids = { vendorId: "460000000000101" };
/** Details as the worker sees them: parsed by the same schema ingest uses (defaults applied). */
const details = (fields: Record<string, unknown>) => BillDetails.parse({ billNumber: "B-1", ...fields });

t.test("the least a bill needs: vendor and bill number, nothing sent empty", async (t) => {
  t.strictSame(toZohoBillInput({}, details({}), ids), { vendor_id: "460000000000101", bill_number: "B-1" });
});

t.test("every field NetSuite sends that Zoho's create body takes is mapped", async (t) => {
  const d = details({
    vendorId: "ignored-here",
    referenceNumber: "PO-7",
    date: "2026-11-20",
    dueDate: "2026-12-20",
    notes: "month-end",
    lineItems: [
      { accountId: "acc-1", name: "Paper", description: "A4", rate: 12.5, quantity: 4 },
      { itemId: "item-9", rate: 3 },
    ],
  });
  t.strictSame(toZohoBillInput({}, d, ids), {
    vendor_id: "460000000000101",
    bill_number: "B-1",
    reference_number: "PO-7",
    date: "2026-11-20",
    due_date: "2026-12-20",
    notes: "month-end",
    line_items: [
      { account_id: "acc-1", name: "Paper", description: "A4", rate: 12.5, quantity: 4 },
      { item_id: "item-9", rate: 3, quantity: 1 },
    ],
  });
});

t.test("the vendor comes from the resolved ids, not the payload", async (t) => {
  t.equal(toZohoBillInput({}, details({ vendorId: "from-payload" }), { vendorId: "resolved" }).vendor_id, "resolved");
});

t.test("the target's reference number wins over the details' one", async (t) => {
  const d = details({ referenceNumber: "from-details" });
  t.equal(toZohoBillInput({ referenceNumber: "from-target" }, d, ids).reference_number, "from-target");
  t.equal(toZohoBillInput({}, d, ids).reference_number, "from-details");
  t.notOk(
    "reference_number" in toZohoBillInput({ referenceNumber: "" }, d, ids),
    "an empty target reference is sent as nothing (as before the split)",
  );
});

t.test("empty optional values and an empty line list are left out", async (t) => {
  const input = toZohoBillInput({}, details({ notes: "", lineItems: [] }), ids);
  t.strictSame(Object.keys(input).sort(), ["bill_number", "vendor_id"]);
  t.strictSame(toZohoLineItem({ name: "", rate: 0, quantity: 1 }, ids), { rate: 0, quantity: 1 });
});

t.test("the mapping is pure: the input is not changed and the same input gives the same body", async (t) => {
  const d = details({ lineItems: [{ accountId: "acc-1", rate: 1 }] });
  const before = structuredClone(d);
  const first = toZohoBillInput({ referenceNumber: "R" }, d, ids);
  t.strictSame(toZohoBillInput({ referenceNumber: "R" }, d, ids), first);
  t.strictSame(d, before);
});

const mappedIds = {
  vendorId: "460000000000101",
  accounts: new Map([["58", "460000000000900"]]),
  items: new Map([["900", "460000000054135"]]),
  taxes: new Map([["5", "460000000027005"]]),
  currencyId: "460000000000100",
  defaultAccountId: "460000000000902",
};

t.test("NetSuite expense and item lines map to Zoho line items with their mapped ids and tax", async (t) => {
  const d = details({
    currencyCode: "EUR",
    exchangeRate: 1.08,
    expenseLines: [{ account: { id: "58" }, amount: 100, memo: "Paper", taxCode: { id: "5" }, taxAmount: 20 }],
    itemLines: [{ item: { id: "900" }, quantity: 3, rate: 2.5, amount: 7.5, description: "Widgets" }],
    total: 127.5,
  });
  t.strictSame(toZohoBillInput({}, d, mappedIds), {
    vendor_id: "460000000000101",
    bill_number: "B-1",
    currency_id: "460000000000100",
    exchange_rate: 1.08,
    line_items: [
      { account_id: "460000000000900", description: "Paper", tax_id: "460000000027005", rate: 100, quantity: 1 },
      { item_id: "460000000054135", description: "Widgets", rate: 2.5, quantity: 3 },
    ],
  });
});

t.test("a bill with only a total gets one line on the default account for the whole total", async (t) => {
  const body = toZohoBillInput({}, details({ total: 99.99, taxTotal: 9.99 }), mappedIds);
  t.strictSame(body.line_items, [
    {
      account_id: "460000000000902",
      description: "Bill B-1: total from NetSuite (tax included)",
      rate: 99.99,
      quantity: 1,
    },
  ]);
  t.throws(
    () => toZohoBillInput({}, details({ total: 1 }), ids),
    NoDefaultAccountError,
    "no default account: permanent",
  );
  t.notOk("line_items" in toZohoBillInput({}, details({}), ids), "no total and no lines: no line invented");
});

t.test("a Zoho-terms line without account or item goes on the default account", async (t) => {
  const body = toZohoBillInput({}, details({ lineItems: [{ name: "Services", rate: 10 }] }), mappedIds);
  t.strictSame(body.line_items, [{ account_id: "460000000000902", name: "Services", rate: 10, quantity: 1 }]);
});

t.test("an id zoho-ids.ts did not resolve is a bug, not a silent line", async (t) => {
  const d = details({ expenseLines: [{ account: { id: "404" }, amount: 1 }], total: 1 });
  t.throws(() => toZohoBillInput({}, d, mappedIds), /no Zoho id resolved for NetSuite account 404/);
});
