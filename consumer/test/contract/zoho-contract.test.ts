/**
 * The Zoho contract (consumer/src/zoho/schemas/, written from Zoho's OpenAPI files): every request
 * body the worker builds matches create-a-bill-request, the schema refuses what Zoho computes itself,
 * and every simulator answer the worker reads matches Zoho's response schemas, so the simulator
 * cannot drift from Zoho's published shapes without a test failing.
 */
import t from "tap";
import { z } from "zod";
import type { BillDetails } from "../../../lib/bill.ts";
import { sql } from "../../../lib/db.ts";
import { createZohoSimulator, DEFAULT_CURRENCIES, DEFAULT_TAXES } from "../../../scripts/zoho-sim/app.ts";
import { ACME, attachmentForm, billForm, books, mintToken, pdfBytes } from "../../../scripts/zoho-sim/test/helper.ts";
import { toZohoBillInput, type ZohoIds } from "../../src/delivery/zoho-bill-input.ts";
import { ZohoPermanentError } from "../../src/zoho/errors.ts";
import {
  AddAttachmentResponse,
  BillResponse,
  CreateBillRequest,
  ListBillsResponse,
} from "../../src/zoho/schemas/bills.ts";
import { ListContactsResponse, ListCurrenciesResponse } from "../../src/zoho/schemas/settings.ts";
import type { CallContext } from "../../src/zoho/types.ts";
import { setupConsumerEnv, testDeps } from "../helper.ts";

const ids: ZohoIds = {
  vendorId: ACME,
  accounts: new Map([
    ["58", "460000000000900"],
    ["59", "460000000000901"],
  ]),
  items: new Map([["900", "460000000054135"]]),
  taxes: new Map([["5", DEFAULT_TAXES[0]!.taxId]]),
  currencyId: DEFAULT_CURRENCIES[1]!.currencyId,
  defaultAccountId: "460000000000902",
};

const DETAILS: Record<string, BillDetails> = {
  "expense lines with tax, currency and exchange rate": {
    billNumber: "C-1",
    vendorName: "Acme Supplies",
    currencyCode: "EUR",
    exchangeRate: 1.08,
    date: "2026-11-20",
    dueDate: "2026-12-20",
    expenseLines: [
      { account: { id: "58" }, amount: 100, memo: "Paper", taxCode: { id: "5" }, taxAmount: 20 },
      { account: { id: "59" }, amount: 50 },
    ],
    total: 170,
  },
  "item lines": {
    billNumber: "C-2",
    itemLines: [{ item: { id: "900", name: "Widget" }, quantity: 3, rate: 2.5, amount: 7.5, description: "Widgets" }],
    total: 7.5,
  },
  "only a total": { billNumber: "C-3", total: 99.99, taxTotal: 9.99 },
  "Zoho-terms lines": { billNumber: "C-4", lineItems: [{ name: "Services", rate: 10, quantity: 2 }] },
  "no amounts at all": { billNumber: "C-5", referenceNumber: "R-5" },
};

t.test("every body toZohoBillInput builds matches create-a-bill-request", async (t) => {
  for (const [name, details] of Object.entries(DETAILS)) {
    const body = toZohoBillInput({}, details, ids);
    const parsed = CreateBillRequest.safeParse(body);
    t.ok(parsed.success, `${name}: ${parsed.success ? "" : parsed.error.message}`);
    t.notOk("total" in body, `${name}: no writable total`);
  }
});

t.test("the request schema refuses what Zoho computes and keys the spec does not list", async (t) => {
  const base = { vendor_id: ACME, bill_number: "X-1", line_items: [{ account_id: "460000000000900", rate: 1 }] };
  t.ok(CreateBillRequest.safeParse(base).success);
  for (const extra of [{ total: 1 }, { sub_total: 1 }, { tax_total: 0 }, { vendorId: ACME }]) {
    t.notOk(CreateBillRequest.safeParse({ ...base, ...extra }).success, JSON.stringify(extra));
  }
  t.notOk(CreateBillRequest.safeParse({ ...base, vendor_id: 460000000000101 }).success, "ids are strings");
  t.notOk(CreateBillRequest.safeParse({ bill_number: "X" }).success, "vendor_id is required");
  const lineWithTotal = { ...base, line_items: [{ account_id: "460000000000900", rate: 1, item_total: 1 }] };
  t.notOk(CreateBillRequest.safeParse(lineWithTotal).success, "a line's item_total is Zoho's");
});

t.test("the simulator's answers match Zoho's response schemas", async (t) => {
  const sim = await createZohoSimulator();
  t.teardown(() => sim.close());
  const token = await mintToken(sim);
  const body = toZohoBillInput({}, DETAILS["expense lines with tax, currency and exchange rate"]!, ids);
  const check = (schema: z.ZodType, answer: { status: number; body: unknown }, name: string) => {
    const parsed = schema.safeParse(answer.body);
    t.ok(parsed.success, `${name} (${answer.status}): ${parsed.success ? "" : parsed.error.message}`);
  };

  const created = await books(sim, "/bills", { token, json: body });
  t.equal(created.status, 201);
  check(BillResponse, created, "create (JSON)");
  const bill = (created.body.bill ?? {}) as Record<string, unknown>;
  t.match(bill, { sub_total: 150, tax_total: 20, total: 170, currency_code: "EUR", exchange_rate: 1.08 });

  const oneCall = await books(sim, "/bills", {
    token,
    body: billForm({ ...body, bill_number: "C-1b" }, { name: "c.pdf", bytes: pdfBytes() }),
  });
  check(BillResponse, oneCall, "create (multipart JSONString + attachment)");
  t.equal(((oneCall.body.bill as { documents: unknown[] }).documents ?? []).length, 1);

  check(BillResponse, await books(sim, `/bills/${bill.bill_id}`, { token }), "get");
  check(ListBillsResponse, await books(sim, "/bills", { token, query: { bill_number: "C-1" } }), "list");
  const attached = await books(sim, `/bills/${bill.bill_id}/attachment`, {
    token,
    body: attachmentForm({ name: "c.pdf", bytes: pdfBytes() }),
  });
  check(AddAttachmentResponse, attached, "add attachment");
  const contacts = await books(sim, "/contacts", {
    token,
    query: { contact_type: "vendor", contact_name: "Acme Supplies" },
  });
  check(ListContactsResponse, contacts, "list contacts");
  check(ListCurrenciesResponse, await books(sim, "/settings/currencies", { token }), "list currencies");

  const withTotal = await books(sim, "/bills", { token, json: { ...body, bill_number: "C-1c", total: 999 } });
  t.equal(withTotal.status, 400, "a writable total is refused, as Zoho computes it");
  t.match(withTotal.body, { code: 2, message: /total/ });
});

t.test("the client's bodies as sent (the audit log) match the schema, and a bad body never leaves", async (t) => {
  const e = await setupConsumerEnv(t);
  const deps = await testDeps(t, e);
  const ctx: CallContext = { transactionId: null, deadline: Date.now() + 10_000, log: deps.log, calls: 0 };
  const file = {
    fileName: "contract.pdf",
    contentType: "application/pdf",
    sha256: "0".repeat(64),
    open: async () => {
      const { Readable } = await import("node:stream");
      const bytes = pdfBytes(128);
      return { stream: Readable.from([Buffer.from(bytes)]), size: bytes.byteLength };
    },
  };
  const body = toZohoBillInput({}, DETAILS["item lines"]!, ids);
  const json = await deps.zoho.createBill({ ...body, bill_number: "AS-1" }, ctx);
  const multi = await deps.zoho.createBillWithAttachment({ ...body, bill_number: "AS-2" }, file, ctx);
  t.ok(json.bill_id && multi.bill_id);
  const currencies = await deps.zoho.listCurrencies(ctx);
  t.same(
    currencies.map((c) => c.currency_code),
    DEFAULT_CURRENCIES.map((c) => c.code),
  );
  const sent = await e.db.anyFirst(sql.type(z.object({ bill: z.unknown() }))`
    SELECT request->'bill' AS bill FROM api_audit_logs WHERE operation = 'books.bills.create' ORDER BY id`);
  t.equal(sent.length, 2);
  for (const b of sent) t.ok(CreateBillRequest.safeParse(b).success, JSON.stringify(b));

  const before = ctx.calls;
  await t.rejects(
    deps.zoho.createBill({ ...body, bill_number: "AS-3", total: 5 } as never, ctx),
    ZohoPermanentError,
    "a body with a total is refused before it is sent",
  );
  t.equal(ctx.calls, before, "no call reached Zoho");
});
