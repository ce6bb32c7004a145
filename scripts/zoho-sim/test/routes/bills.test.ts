import { createHash } from "node:crypto";
import t from "tap";
import { ACME, billForm, books, GLOBEX, mintToken, pdfBytes, startSim, stats } from "../helper.ts";

const bill = (overrides: Record<string, unknown> = {}) => ({
  vendor_id: ACME,
  bill_number: "INV-1001",
  reference_number: "NS-77",
  date: "2026-11-20",
  due_date: "2026-12-20",
  line_items: [{ account_id: "460000000000900", description: "Paper", rate: 12.5, quantity: 4 }],
  ...overrides,
});

t.test("create answers 201 with the bill; get and list filters find it", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const created = await books(sim, "/bills", { token, json: bill() });
  t.equal(created.status, 201);
  t.equal(created.body.code, 0);
  t.equal(created.body.message, "The bill has been created.");
  const b = created.body.bill as Record<string, unknown>;
  t.match(b, {
    bill_id: /^\d+$/,
    bill_number: "INV-1001",
    reference_number: "NS-77",
    vendor_id: ACME,
    vendor_name: "Acme Supplies",
    status: "open",
    date: "2026-11-20",
    total: 50,
    balance: 50,
    has_attachment: false,
    attachment_name: "",
    documents: [],
    created_time: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/,
  });
  t.match(b.line_items, [{ line_item_id: /^\d+$/, item_total: 50 }]);

  const got = await books(sim, `/bills/${b.bill_id}`, { token });
  t.equal(got.status, 200);
  t.same((got.body.bill as Record<string, unknown>).bill_id, b.bill_id);

  await books(sim, "/bills", { token, json: bill({ bill_number: "INV-1002", reference_number: "NS-78" }) });
  await books(sim, "/bills", { token, json: bill({ vendor_id: GLOBEX, bill_number: "G-1", reference_number: "" }) });

  const byNumber = await books(sim, "/bills", { token, query: { bill_number: "inv-1001" } });
  t.match(byNumber.body.bills, [{ bill_id: b.bill_id, bill_number: "INV-1001" }], "exact, case-insensitive");
  t.equal((byNumber.body.bills as unknown[]).length, 1);
  t.notOk("line_items" in (byNumber.body.bills as Record<string, unknown>[])[0]!, "list rows are summaries");
  const byRef = await books(sim, "/bills", { token, query: { reference_number: "NS-78" } });
  t.match(byRef.body.bills, [{ bill_number: "INV-1002" }]);
  const byVendor = await books(sim, "/bills", { token, query: { vendor_id: GLOBEX } });
  t.match(byVendor.body.bills, [{ bill_number: "G-1" }]);
  const startsWith = await books(sim, "/bills", { token, query: { bill_number_startswith: "INV" } });
  t.same(
    (startsWith.body.bills as { bill_number: string }[]).map((x) => x.bill_number),
    ["INV-1002", "INV-1001"],
    "newest first by default",
  );
  const none = await books(sim, "/bills", { token, query: { bill_number: "missing" } });
  t.same(none.body.bills, []);
});

t.test("paging: per_page, page and has_more_page", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  for (let i = 1; i <= 5; i++) await books(sim, "/bills", { token, json: bill({ bill_number: `P-${i}` }) });
  const first = await books(sim, "/bills", { token, query: { per_page: "2", sort_order: "A" } });
  t.same(
    (first.body.bills as { bill_number: string }[]).map((x) => x.bill_number),
    ["P-1", "P-2"],
  );
  t.match(first.body.page_context, { page: 1, per_page: 2, has_more_page: true });
  const last = await books(sim, "/bills", { token, query: { per_page: "2", page: "3", sort_order: "A" } });
  t.same(
    (last.body.bills as { bill_number: string }[]).map((x) => x.bill_number),
    ["P-5"],
  );
  t.match(last.body.page_context, { page: 3, has_more_page: false });
  t.equal((await books(sim, "/bills", { token, query: { page: "0" } })).body.code, 2);
});

t.test("duplicate (vendor, bill number) is 400 code 13011; other vendor or year is fine", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  t.equal((await books(sim, "/bills", { token, json: bill() })).status, 201);
  const dup = await books(sim, "/bills", { token, json: bill({ bill_number: "inv-1001" }) });
  t.equal(dup.status, 400);
  t.same(dup.body, {
    code: 13011,
    message: "A bill with this number has already been created for this vendor",
  });
  t.equal((await books(sim, "/bills", { token, json: bill({ vendor_id: GLOBEX }) })).status, 201, "other vendor");
  t.equal((await books(sim, "/bills", { token, json: bill({ date: "2027-01-05" }) })).status, 201, "other year");
  t.equal((await stats(sim)).bills, 3);
});

t.test("validation: required fields, unknown vendor, malformed JSON", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const noVendor = await books(sim, "/bills", { token, json: bill({ vendor_id: undefined }) });
  t.same(noVendor.body, { code: 2, message: "Invalid value passed for vendor_id" });
  t.equal(noVendor.status, 400);
  const noNumber = await books(sim, "/bills", { token, json: bill({ bill_number: "" }) });
  t.same(noNumber.body, { code: 2, message: "Invalid value passed for bill_number" });
  const unknownVendor = await books(sim, "/bills", { token, json: bill({ vendor_id: "4600000009999" }) });
  t.equal(unknownVendor.status, 400);
  t.same(unknownVendor.body, { code: 1002, message: "Invalid value passed for vendor_id" });
  const broken = await books(sim, "/bills", { token, json: "{not json" });
  t.equal(broken.status, 400);
  t.equal(broken.body.code, 4);
  t.equal((await stats(sim)).bills, 0, "nothing was created");

  const strict = await startSim(t, { requireLineItems: true });
  const strictToken = await mintToken(strict);
  const noLines = await books(strict, "/bills", { token: strictToken, json: bill({ line_items: [] }) });
  t.same(noLines.body, { code: 2, message: "Invalid value passed for line_items" });
});

t.test("legacy JSONString form field is accepted", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const res = await books(sim, "/bills", {
    token,
    body: new URLSearchParams({ JSONString: JSON.stringify(bill()) }),
  });
  t.equal(res.status, 201);
  t.equal((res.body.bill as Record<string, unknown>).bill_number, "INV-1001");
});

t.test("create with attachment in one call (multipart JSONString + attachment)", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const bytes = pdfBytes(2048);
  const res = await books(sim, "/bills", { token, body: billForm(bill(), { name: "INV-1001.pdf", bytes }) });
  t.equal(res.status, 201);
  const b = res.body.bill as Record<string, unknown>;
  t.match(b, {
    has_attachment: true,
    attachment_name: "INV-1001.pdf",
    documents: [{ file_name: "INV-1001.pdf", file_type: "pdf", file_size: 2048 }],
  });
  const s = await stats(sim);
  t.equal(s.byRoute["POST /books/v3/bills"], 1, "one call");
  t.equal(s.organizations["10234695"]!.accepted, 1, "one unit of the per-minute budget");
  t.equal(s.attachments[String(b.bill_id)]![0]!.sha256, createHash("sha256").update(bytes).digest("hex"));

  const download = await fetch(`${sim.url}/books/v3/bills/${b.bill_id}/attachment?organization_id=10234695`, {
    headers: { authorization: `Zoho-oauthtoken ${token}` },
  });
  t.equal(download.headers.get("content-type"), "application/pdf");
  t.same(Buffer.from(await download.arrayBuffer()), Buffer.from(bytes));
});

t.test("create with a rejected attachment creates nothing", async (t) => {
  const sim = await startSim(t, { limits: { maxAttachmentBytes: 1024 } });
  const token = await mintToken(sim);
  const wrongType = await books(sim, "/bills", {
    token,
    body: billForm(bill(), { name: "invoice.docx", bytes: pdfBytes(100), type: "application/octet-stream" }),
  });
  t.equal(wrongType.status, 400);
  t.match(wrongType.body.message, /gif, png, jpeg, jpg, bmp, pdf/);
  const tooBig = await books(sim, "/bills", {
    token,
    body: billForm(bill(), { name: "big.pdf", bytes: pdfBytes(4096) }),
  });
  t.equal(tooBig.status, 400);
  t.match(tooBig.body.message, /maximum allowed size of 1 KB/);
  t.equal((await stats(sim)).bills, 0);
  t.equal(
    (await books(sim, "/bills", { token, json: bill() })).status,
    201,
    "the connection and bill number are still usable",
  );
});

t.test("unknown bill id is 404 code 1002", async (t) => {
  const sim = await startSim(t);
  const res = await books(sim, "/bills/460009999999", { token: await mintToken(sim) });
  t.equal(res.status, 404);
  t.same(res.body, { code: 1002, message: "Bill does not exist." });
});
