import t from "tap";
import { Value } from "typebox/value";
import { BillDetails } from "../../../lib/bill.ts";
import { BillBody } from "../../../service/src/schemas/bills.ts";
import { billDetails, billId, buildBillRequest, newRunId } from "../../shared/payload.ts";
import { createPdfTemplate, PDF_ID_SLOT } from "../../shared/pdf.ts";

t.test("a bill request follows the ingest contract", async (t) => {
  const template = createPdfTemplate(100 * 1024, "vu-1");
  const id = billId("run1", "ingest", 42);
  t.equal(id, "lt-run1-ingest-42");
  const body = buildBillRequest({ netsuiteBillId: id, template, today: new Date("2026-11-30T12:00:00Z") });
  t.equal(body.netsuiteBillId, id);
  t.equal(body.fileName, "lt-run1-ingest-42.pdf");
  t.equal(body.mimeType, "application/pdf");
  const pdf = Buffer.from(body.base64Data, "base64");
  t.equal(pdf.length, 100 * 1024, "decodes to the requested size");
  t.equal(pdf.subarray(0, 5).toString(), "%PDF-");
  t.equal(body.base64Data, pdf.toString("base64"), "strict, padded base64");
  t.ok(pdf.toString("latin1").includes(id));
  t.match(body.billDetails, { date: "2026-11-30", dueDate: "2026-12-30", currencyCode: "USD", billNumber: id });
  t.ok(BillDetails.safeParse(body.billDetails).success, "bill details pass the shared zod schema (lib/bill.ts)");
  t.equal(body.billDetails?.lineItems[0]?.rate, body.billDetails?.total, "total matches the line");
  t.ok(Value.Check(BillBody, body), "the body passes the service's own route schema");
  const total = body.billDetails?.total ?? Number.NaN;
  t.equal(Math.round(total * 100) / 100, total, "a two-decimal amount");
});

t.test("bare bills, custom encoders", async (t) => {
  const template = createPdfTemplate(4096, "x");
  const bare = buildBillRequest({ netsuiteBillId: "b1", template, withDetails: false });
  t.equal(bare.billDetails, undefined);
  t.same(Object.keys(bare), ["netsuiteBillId", "fileName", "mimeType", "base64Data"]);
  t.ok(Value.Check(BillBody, bare));
  t.notOk(Value.Check(BillBody, { ...bare, bill: {} }), "the schema is closed: a wrong field name would be a 400");
  const custom = buildBillRequest({ netsuiteBillId: "b2", template, encode: (b) => `len:${b.length}` });
  t.equal(custom.base64Data, "len:4096");
});

t.test("run ids are short, distinct and keep bill ids inside the PDF slot", async (t) => {
  const a = newRunId(1_790_000_000_000, 0.5);
  t.match(a, /^[0-9a-z]+$/);
  t.not(newRunId(1_790_000_000_000, 0.1), newRunId(1_790_000_000_000, 0.2));
  t.ok(billId(newRunId(), "spike-10x-probe", 99_999_999).length <= PDF_ID_SLOT);
  t.equal(billDetails("x").billNumber, "x");
  t.equal(billDetails("x").vendorName, "Acme Supplies", "a vendor the Zoho simulator knows");
  t.match(billDetails("x", new Date(), { vendorId: "460000000000101" }), { vendorId: "460000000000101" });
  t.equal(billDetails("x", new Date(), { vendorId: "1" }).vendorName, undefined);
});
