/** Amounts as Zoho computes them: per-line totals and taxes rounded to the currency's precision, sums, refusals. */
import t from "tap";
import { DEFAULT_CURRENCIES, DEFAULT_TAXES } from "../../app.ts";
import { ACME, billForm, books, mintToken, pdfBytes, startSim } from "../helper.ts";

const VAT20 = DEFAULT_TAXES[0]!.taxId;
const VAT19 = DEFAULT_TAXES[1]!.taxId;
const JPY = DEFAULT_CURRENCIES.find((c) => c.code === "JPY")!.currencyId;

t.test("per-line tax, rounded per line, summed into sub_total, tax_total and total", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const created = await books(sim, "/bills", {
    token,
    json: {
      vendor_id: ACME,
      bill_number: "A-1",
      line_items: [
        { account_id: "460000000000900", rate: 10.05, quantity: 3, tax_id: VAT19 },
        { account_id: "460000000000901", rate: 0.1, quantity: 3, tax_id: VAT20 },
        { account_id: "460000000000902", rate: 7 },
      ],
    },
  });
  t.equal(created.status, 201);
  const bill = created.body.bill as Record<string, unknown>;
  // 30.15 (+5.73 tax, 5.7285 rounded), 0.30 (+0.06), 7.00: no float drift in the sums.
  t.match(bill, { sub_total: 37.45, tax_total: 5.79, total: 43.24, currency_code: "USD", price_precision: 2 });
  t.match(bill.line_items, [
    { item_total: 30.15, tax_percentage: 19 },
    { item_total: 0.3, tax_id: VAT20 },
    { item_total: 7, tax_id: "" },
  ]);
});

t.test("a zero-decimal currency rounds to whole units", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const created = await books(sim, "/bills", {
    token,
    body: billForm(
      {
        vendor_id: ACME,
        bill_number: "Y-1",
        currency_id: JPY,
        exchange_rate: 0.0062,
        line_items: [{ rate: 1234.4, tax_id: VAT20 }],
      },
      { name: "y.pdf", bytes: pdfBytes() },
    ),
  });
  t.match(created.body.bill, {
    currency_code: "JPY",
    price_precision: 0,
    sub_total: 1234,
    tax_total: 247,
    total: 1481,
    exchange_rate: 0.0062,
  });
});

t.test("unknown currency or tax ids and writable totals are refused, and nothing is created", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const base = { vendor_id: ACME, bill_number: "R-1", line_items: [{ rate: 1 }] };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ currency_id: "999" }, /currency_id/],
    [{ line_items: [{ rate: 1, tax_id: "999" }] }, /tax_id/],
    [{ total: 1 }, /total: it is computed from line_items/],
    [{ sub_total: 1 }, /sub_total/],
    [{ tax_total: 0 }, /tax_total/],
  ];
  for (const [extra, message] of cases) {
    const res = await books(sim, "/bills", { token, json: { ...base, ...extra } });
    t.equal(res.status, 400, JSON.stringify(extra));
    t.match(res.body, { code: 2, message });
  }
  const list = await books(sim, "/bills", { token });
  t.same(list.body.bills, []);
});

t.test("GET /settings/currencies lists the organization's currencies", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const res = await books(sim, "/settings/currencies", { token });
  t.equal(res.status, 200);
  t.match(res.body.currencies, [
    { currency_code: "USD", is_base_currency: true, price_precision: 2 },
    { currency_code: "EUR" },
    { currency_code: "GBP" },
    { currency_code: "JPY", price_precision: 0 },
  ]);
});

t.test("ignoreCreateAttachment keeps the bill and drops the file sent with it", async (t) => {
  const sim = await startSim(t, { ignoreCreateAttachment: true });
  const token = await mintToken(sim);
  const res = await books(sim, "/bills", {
    token,
    body: billForm({ vendor_id: ACME, bill_number: "I-1" }, { name: "i.pdf", bytes: pdfBytes() }),
  });
  t.equal(res.status, 201);
  t.match(res.body.bill, { has_attachment: false, documents: [] });
});
