/**
 * The bill-details rules (lib/bill-checks.ts): lines add up to the total within one minor unit per
 * line, item lines are quantity × rate, amounts have the currency's decimals, the currency exists.
 */
import t from "tap";
import { BillDetails, BillTarget } from "../bill.ts";
import { BillDetailsError, billDetailsProblems, parseBillTarget } from "../bill-checks.ts";

/** A NetSuite bill: three expense lines with 19 % VAT, in EUR (the sample in scripts/netsuite/README.md). */
const EUR_BILL = {
  billNumber: "INV-2026-0042",
  vendorName: "Bürobedarf Müller GmbH",
  currencyCode: "EUR",
  exchangeRate: 1.0842,
  total: 1487.5,
  taxTotal: 237.5,
  expenseLines: [
    {
      account: { id: "58", name: "6010 Office Supplies" },
      amount: 500,
      memo: "Paper",
      department: { id: "3", name: "Finance" },
      taxCode: { id: "12", name: "VAT:S-DE" },
      taxAmount: 95,
    },
    {
      account: { id: "61", name: "6200 Software" },
      amount: 600,
      class: { id: "7", name: "SaaS" },
      taxCode: { id: "12" },
      taxAmount: 114,
    },
    {
      account: { id: "58", name: "6010 Office Supplies" },
      amount: 150,
      location: { id: "2", name: "Berlin" },
      taxCode: { id: "12" },
      taxAmount: 28.5,
    },
  ],
};

const details = (over: Record<string, unknown> = {}) => BillDetails.parse({ ...EUR_BILL, ...over });
const codes = (over: Record<string, unknown>) => billDetailsProblems(details(over)).map((p) => p.code);

t.test("three expense lines, tax and EUR that add up have no problems", async (t) => {
  t.same(billDetailsProblems(details()), []);
  t.same(billDetailsProblems(details({ taxTotal: undefined })), [], "line taxes alone make the tax");
  t.same(billDetailsProblems(details({ expenseLines: EUR_BILL.expenseLines.map(noTax) })), [], "bill-level tax alone");
});

t.test("a bill with only a total stays valid (the worker books it on the default account)", async (t) => {
  t.same(billDetailsProblems(BillDetails.parse({ billNumber: "B-1", total: 12.5, currencyCode: "USD" })), []);
  t.same(billDetailsProblems(BillDetails.parse({ billNumber: "B-1", total: 1250, currencyCode: "JPY" })), []);
  t.same(billDetailsProblems(BillDetails.parse({ billNumber: "B-1" })), [], "nothing to check");
});

t.test("lines off the total by more than one minor unit per line are ERR_BILL_TOTAL_MISMATCH", async (t) => {
  t.same(codes({ total: 1487.53 }), [], "0.03 off with three lines is rounding");
  t.same(codes({ total: 1487.47 }), [], "in either direction");
  const problems = billDetailsProblems(details({ total: 1487.54 }));
  t.same(
    problems.map((p) => p.code),
    ["ERR_BILL_TOTAL_MISMATCH"],
  );
  t.equal(problems[0]?.path, "billDetails.total");
  t.match(problems[0]?.message, "1487.54 EUR but the 3 line(s) add up to 1250.00 EUR + tax 237.50 EUR = 1487.50 EUR");
  t.match(problems[0]?.message, "tolerance 0.03 EUR");
});

t.test("line taxes that disagree with taxTotal are ERR_BILL_TOTAL_MISMATCH on taxTotal", async (t) => {
  const problems = billDetailsProblems(details({ taxTotal: 240, total: 1490 }));
  t.same(
    problems.map((p) => p.path),
    ["billDetails.taxTotal"],
  );
  t.match(problems[0]?.message, "is 240.00 EUR but the lines' taxAmount add up to 237.50 EUR");
});

t.test("an item line must be quantity × rate within one minor unit", async (t) => {
  const item = (quantity: number, rate: number, amount: number) => ({
    itemLines: [{ item: { id: "900", name: "Toner" }, quantity, rate, amount }],
    expenseLines: undefined,
    taxTotal: undefined,
    total: amount,
  });
  t.same(codes(item(3, 33.33, 99.99)), []);
  t.same(codes(item(3, 33.33, 100)), [], "0.01 off: NetSuite rounded a longer rate");
  t.same(codes(item(7, 14.285714, 100)), [], "a six-decimal rate");
  t.same(codes(item(2.5, 0.1, 0.25)), [], "exact where 2.5 * 0.1 in doubles is 0.25000000000000006");
  const problems = billDetailsProblems(details(item(3, 33.33, 100.01)));
  t.same(
    problems.map((p) => [p.code, p.path]),
    [["ERR_LINE_AMOUNT_MISMATCH", "billDetails.itemLines[0]"]],
  );
  t.match(problems[0]?.message, "quantity 3 × rate 33.33 = 99.99, but amount is 100.01 (tolerance 0.01)");
});

t.test("amounts with more decimals than the currency, or drifted floats, are ERR_INVALID_AMOUNT", async (t) => {
  const jpy = billDetailsProblems(BillDetails.parse({ billNumber: "B", currencyCode: "JPY", total: 1250.5 }));
  t.same(
    jpy.map((p) => [p.code, p.path]),
    [["ERR_INVALID_AMOUNT", "billDetails.total"]],
  );
  t.match(jpy[0]?.message, "1250.5 has more than 0 decimal place(s), the minor units of JPY");
  t.same(codes({ total: 0.1 + 0.2, expenseLines: undefined, taxTotal: undefined }), ["ERR_INVALID_AMOUNT"]);
  t.same(
    billDetailsProblems(BillDetails.parse({ billNumber: "B", currencyCode: "KWD", total: 1.125 })),
    [],
    "three decimals in KWD",
  );
  t.same(
    billDetailsProblems(BillDetails.parse({ billNumber: "B", total: 1.125 })).map((p) => p.code),
    ["ERR_INVALID_AMOUNT"],
    "without currencyCode, two decimals",
  );
  t.same(codes({ total: 1e16, expenseLines: undefined, taxTotal: undefined }), ["ERR_INVALID_AMOUNT"], "too large");
  const bad = billDetailsProblems(details({ expenseLines: [{ account: { id: "1" }, amount: 1.005 }], total: 1.01 }));
  t.same(
    bad.map((p) => p.path),
    ["billDetails.expenseLines[0].amount"],
    "no sum is checked on amounts that are not valid",
  );
});

t.test("an unknown currency is ERR_UNKNOWN_CURRENCY naming it", async (t) => {
  const problems = billDetailsProblems(details({ currencyCode: "XYZ" }));
  t.same(
    problems.map((p) => [p.code, p.path]),
    [["ERR_UNKNOWN_CURRENCY", "billDetails.currencyCode"]],
  );
  t.equal(problems[0]?.message, "XYZ is not an ISO 4217 currency code");
});

t.test("inconsistent line sets are ERR_INVALID_BILL_DETAILS", async (t) => {
  t.same(codes({ total: undefined }), ["ERR_INVALID_BILL_DETAILS"], "lines without a total");
  t.same(codes({ lineItems: [{ rate: 1, quantity: 1 }] }), ["ERR_INVALID_BILL_DETAILS"], "both kinds of lines");
  const line = { account: { id: "1" }, amount: 1 };
  const item = { item: { id: "2" }, quantity: 1, rate: 1, amount: 1 };
  const many = details({
    expenseLines: Array(300).fill(line),
    itemLines: Array(201).fill(item),
    taxTotal: 0,
    total: 501,
  });
  t.same(
    billDetailsProblems(many).map((p) => p.message),
    ["501 lines; a bill may carry at most 500"],
  );
});

t.test("Zoho-id lineItems (today's payloads) are checked as rate × quantity against the total", async (t) => {
  const legacy = (total: number) =>
    BillDetails.parse({ billNumber: "B", currencyCode: "USD", total, lineItems: [{ name: "x", rate: 1234.56 }] });
  t.same(billDetailsProblems(legacy(1234.56)), []);
  t.same(
    billDetailsProblems(legacy(1300)).map((p) => p.code),
    ["ERR_BILL_TOTAL_MISMATCH"],
  );
  t.same(billDetailsProblems(BillDetails.parse({ billNumber: "B", lineItems: [{ rate: -5 }] })), [], "no total");
});

t.test("parseBillTarget throws a 400 naming every problem; BillTarget.parse (stored rows) stays lenient", async (t) => {
  const input = { referenceNumber: "R", details: { ...EUR_BILL, currencyCode: "XYZ", total: 1 } };
  const err = t.throws(() => parseBillTarget(input)) as BillDetailsError;
  t.ok(err instanceof BillDetailsError);
  t.equal(err.statusCode, 400);
  t.equal(err.code, "ERR_UNKNOWN_CURRENCY", "the first problem's code");
  t.match(
    err.message,
    "billDetails.currencyCode: XYZ is not an ISO 4217 currency code; billDetails.total: is 1.00 XYZ",
  );
  t.equal(err.problems.length, 2);
  t.ok(BillTarget.parse(input).details, "a row written before these rules is still readable");
  t.same(parseBillTarget({ referenceNumber: "R" }), { referenceNumber: "R" });
  const tooMany = {
    details: {
      billNumber: "B",
      total: 1,
      expenseLines: Array.from({ length: 7 }, () => ({ account: { id: "1" }, amount: 0.001 })),
    },
  };
  const many = t.throws(() => parseBillTarget(tooMany)) as BillDetailsError;
  t.match(many.message, /; and 2 more$/, "five problems named, the rest counted");
});

function noTax<T extends { taxAmount?: number; taxCode?: unknown }>(line: T): Omit<T, "taxAmount" | "taxCode"> {
  const { taxAmount: _a, taxCode: _c, ...rest } = line;
  return rest;
}
