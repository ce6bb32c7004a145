/**
 * Bill lines at ingest (lib/bill.ts shape, lib/bill-checks.ts rules): a NetSuite bill with expense
 * lines, tax and EUR is accepted and stored as sent; details that do not add up, an unknown currency
 * or impossible amounts get a 400 naming the field, and leave no object, row or message.
 */
import t from "tap";
import { findByNetsuiteBillId } from "../../../lib/transactions.ts";
import { billBody, build, nothingWritten, pdf, post } from "../helper.ts";
import { nothingLeft, rejected } from "../hostile/expect.ts";

const MAX = 64 * 1024;

/** Three expense lines with 19 % VAT in EUR: the sample in scripts/netsuite/README.md. */
const EUR_BILL = {
  billNumber: "INV-2026-0042",
  vendorName: "Bürobedarf Müller GmbH",
  date: "2026-11-20",
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
    { account: { id: "61", name: "6200 Software" }, amount: 600, class: { id: "7" }, taxAmount: 114 },
    { account: { id: "58" }, amount: 150, location: { id: "2", name: "Berlin" }, taxAmount: 28.5 },
  ],
};
const ITEM = { item: { id: "900", name: "Toner" }, quantity: 3, rate: 33.33, amount: 99.99 };

const withDetails = (details: Record<string, unknown>) => billBody(pdf(1024), { billDetails: details });
const eur = (over: Record<string, unknown>) => withDetails({ ...EUR_BILL, ...over });

t.test("a bill with three expense lines, tax and EUR is accepted and stored exactly as sent", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });
  const body = withDetails(EUR_BILL);
  const res = await post(app, body);
  t.equal(res.statusCode, 202, res.body);
  const row = await findByNetsuiteBillId(app.db, body.netsuiteBillId);
  t.same(row?.bill?.details, EUR_BILL, "lines, tax, currency and exchange rate stored verbatim");
  t.same(await nothingWritten(app, env), { objects: 1, rows: 1, messages: 1 });
});

t.test("today's payloads stay valid: a total and a currency code, no lines; item lines", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });
  const cases: [string, Record<string, unknown>][] = [
    ["total and currencyCode only", { billNumber: "B-1", total: 1250.5, currencyCode: "USD" }],
    ["a yen total", { billNumber: "B-2", total: 125000, currencyCode: "JPY" }],
    ["no amounts at all", { billNumber: "B-3", vendorName: "Acme" }],
    ["item lines", { billNumber: "B-4", currencyCode: "USD", total: 99.99, itemLines: [ITEM] }],
    [
      "Zoho-id lines adding up",
      { billNumber: "B-5", total: 12.5, lineItems: [{ name: "x", rate: 6.25, quantity: 2 }] },
    ],
  ];
  for (const [what, details] of cases) t.equal((await post(app, withDetails(details))).statusCode, 202, what);
  t.same(await nothingWritten(app, env), { objects: 5, rows: 5, messages: 5 });
});

t.test("details that do not add up are 400 with a code naming the rule, and change nothing", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });
  const items = (over: Record<string, unknown>) => ({ expenseLines: undefined, taxTotal: undefined, ...over });
  const cases: [string, unknown, string, string][] = [
    [
      "lines 0.04 off the total (tolerance 0.03)",
      eur({ total: 1487.54 }),
      "ERR_BILL_TOTAL_MISMATCH",
      "billDetails.total",
    ],
    ["line taxes off taxTotal", eur({ taxTotal: 240, total: 1490 }), "ERR_BILL_TOTAL_MISMATCH", "billDetails.taxTotal"],
    [
      "quantity × rate off the amount",
      eur(items({ total: 100.5, itemLines: [{ ...ITEM, amount: 100.5 }] })),
      "ERR_LINE_AMOUNT_MISMATCH",
      "billDetails.itemLines[0]: quantity 3 × rate 33.33 = 99.99, but amount is 100.50",
    ],
    [
      "an unknown currency",
      eur({ currencyCode: "XYZ" }),
      "ERR_UNKNOWN_CURRENCY",
      "XYZ is not an ISO 4217 currency code",
    ],
    ["half a yen", withDetails({ billNumber: "B", currencyCode: "JPY", total: 10.5 }), "ERR_INVALID_AMOUNT", "JPY"],
    ["a float-drifted amount", eur(items({ total: 0.30000000000000004 })), "ERR_INVALID_AMOUNT", "billDetails.total"],
    ["lines without a total", eur({ total: undefined }), "ERR_INVALID_BILL_DETAILS", "billDetails.total"],
    ["NetSuite and Zoho-id lines", eur({ lineItems: [{ rate: 1 }] }), "ERR_INVALID_BILL_DETAILS", "not both"],
    [
      "501 lines over two sublists",
      eur(
        items({
          total: 501,
          expenseLines: Array(300).fill({ account: { id: "1" }, amount: 1 }),
          itemLines: Array(201).fill({ ...ITEM, quantity: 1, rate: 1, amount: 1 }),
        }),
      ),
      "ERR_INVALID_BILL_DETAILS",
      "at most 500",
    ],
  ];
  for (const [what, body, code, named] of cases) {
    const res = await post(app, body);
    rejected(t, res, 400, code, what);
    t.match(res.json().message, named, `${what}: the message names it`);
  }
  await nothingLeft(t, app, env, "inconsistent details");
});

t.test("impossible amounts and malformed lines are 400 FST_ERR_VALIDATION, and change nothing", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });
  const line = EUR_BILL.expenseLines[0]!;
  const cases: [string, unknown][] = [
    ["a negative line amount", eur({ expenseLines: [{ ...line, amount: -500 }] })],
    ["a negative tax", eur({ taxTotal: -1 })],
    ["an amount as a string", eur({ expenseLines: [{ ...line, amount: "500.00" }] })],
    ["a zero quantity", eur({ itemLines: [{ ...ITEM, quantity: 0 }] })],
    ["a zero exchange rate", eur({ exchangeRate: 0 })],
    ["a line without its account", eur({ expenseLines: [{ amount: 500 }] })],
    ["an account id that is not a NetSuite id", eur({ expenseLines: [{ ...line, account: { id: "58; DROP" } }] })],
    ["an unknown field on a line", eur({ expenseLines: [{ ...line, debit: true }] })],
    ["501 expense lines", eur({ expenseLines: Array(501).fill(line) })],
  ];
  for (const [what, body] of cases) rejected(t, await post(app, body), 400, "FST_ERR_VALIDATION", what);
  // JSON has no NaN or Infinity; an overflowing literal parses to Infinity and must not become a 500.
  const infinite = JSON.stringify(eur({ total: 1 })).replace('"total":1,', '"total":1e400,');
  t.match(infinite, '"total":1e400');
  const res = await post(app, infinite);
  rejected(t, res, 400, "FST_ERR_VALIDATION", "1e400 (Infinity)");
  await nothingLeft(t, app, env, "impossible amounts");
});
