import { createHash } from "node:crypto";
import t from "tap";
import type { ZohoSimulator } from "../../app.ts";
import { ACME, attachmentForm, books, mintToken, pdfBytes, startSim, stats } from "../helper.ts";

async function newBill(sim: ZohoSimulator, token: string, number = "A-1"): Promise<string> {
  const res = await books(sim, "/bills", { token, json: { vendor_id: ACME, bill_number: number } });
  return String((res.body.bill as Record<string, unknown>).bill_id);
}

t.test("upload answers 201 'The document has been attached.'; the bill and stats show it", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const id = await newBill(sim, token);
  const bytes = pdfBytes(5000, 0x42);
  const res = await books(sim, `/bills/${id}/attachment`, { token, body: attachmentForm({ name: "scan.pdf", bytes }) });
  t.equal(res.status, 201);
  t.same(res.body, { code: 0, message: "The document has been attached." });
  const got = await books(sim, `/bills/${id}`, { token });
  t.match(got.body.bill, { has_attachment: true, attachment_name: "scan.pdf", documents: [{ file_name: "scan.pdf" }] });
  const s = await stats(sim);
  t.same(
    s.attachments[id]!.map((d) => d.sha256),
    [createHash("sha256").update(bytes).digest("hex")],
  );

  const bills = (await (await fetch(`${sim.url}/__sim/bills`)).json()) as {
    count: number;
    bills: { documents: { sha256: string }[] }[];
  };
  t.equal(bills.count, 1);
  t.equal(bills.bills[0]!.documents[0]!.sha256, s.attachments[id]![0]!.sha256);
});

t.test("GET returns the bytes; DELETE removes them", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const id = await newBill(sim, token);
  const bytes = pdfBytes(300);
  await books(sim, `/bills/${id}/attachment`, {
    token,
    body: attachmentForm({ name: "x.png", bytes, type: "image/png" }),
  });
  const res = await fetch(`${sim.url}/books/v3/bills/${id}/attachment?organization_id=10234695`, {
    headers: { authorization: `Zoho-oauthtoken ${token}` },
  });
  t.equal(res.status, 200);
  t.equal(res.headers.get("content-type"), "image/png");
  t.same(Buffer.from(await res.arrayBuffer()), Buffer.from(bytes));
  const deleted = await books(sim, `/bills/${id}/attachment`, { token, method: "DELETE" });
  t.same(deleted.body, { code: 0, message: "The attachment has been deleted." });
  t.match((await books(sim, `/bills/${id}`, { token })).body.bill, { has_attachment: false, documents: [] });
  t.equal((await books(sim, `/bills/${id}/attachment`, { token })).status, 404);
});

t.test("only gif, png, jpeg, jpg, bmp, pdf are accepted", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const id = await newBill(sim, token);
  for (const name of ["a.gif", "a.png", "a.JPEG", "a.jpg", "a.bmp"]) {
    const bill = await newBill(sim, token, `T-${name}`);
    const res = await books(sim, `/bills/${bill}/attachment`, {
      token,
      body: attachmentForm({ name, bytes: pdfBytes(10) }),
    });
    t.equal(res.status, 201, name);
  }
  for (const name of ["a.txt", "a.docx", "noextension", "a.pdf.exe"]) {
    const res = await books(sim, `/bills/${id}/attachment`, {
      token,
      body: attachmentForm({ name, bytes: pdfBytes(10) }),
    });
    t.equal(res.status, 400, name);
    t.equal(res.body.code, 2, name);
  }
  t.match((await books(sim, `/bills/${id}`, { token })).body.bill, { has_attachment: false });
});

t.test("size limit: one byte over maxAttachmentBytes is refused, the limit itself is fine", async (t) => {
  const sim = await startSim(t, { limits: { maxAttachmentBytes: 2048 } });
  const token = await mintToken(sim);
  const id = await newBill(sim, token);
  const over = await books(sim, `/bills/${id}/attachment`, {
    token,
    body: attachmentForm({ name: "a.pdf", bytes: pdfBytes(2049) }),
  });
  t.equal(over.status, 400);
  t.same(over.body, { code: 2, message: "The file exceeds the maximum allowed size of 2 KB." });
  const exact = await books(sim, `/bills/${id}/attachment`, {
    token,
    body: attachmentForm({ name: "a.pdf", bytes: pdfBytes(2048) }),
  });
  t.equal(exact.status, 201);
  await t.resolves(async () => {
    const big = await books(sim, `/bills/${id}/attachment`, {
      token,
      body: attachmentForm({ name: "big.pdf", bytes: pdfBytes(3 * 1024 * 1024) }),
    });
    t.equal(big.status, 400, "a much larger upload is read to the end and refused cleanly");
  });
});

t.test("the file must be in the `attachment` field; documents are capped per bill", async (t) => {
  const sim = await startSim(t, { limits: { maxAttachmentsPerBill: 2 } });
  const token = await mintToken(sim);
  const id = await newBill(sim, token);
  const wrongField = await books(sim, `/bills/${id}/attachment`, {
    token,
    body: attachmentForm({ name: "a.pdf", bytes: pdfBytes(10) }, "file"),
  });
  t.same(wrongField.body, { code: 2, message: "Invalid value passed for attachment" });
  for (let i = 0; i < 2; i++) {
    const ok = await books(sim, `/bills/${id}/attachment`, {
      token,
      body: attachmentForm({ name: `${i}.pdf`, bytes: pdfBytes(10) }),
    });
    t.equal(ok.status, 201);
  }
  const third = await books(sim, `/bills/${id}/attachment`, {
    token,
    body: attachmentForm({ name: "3.pdf", bytes: pdfBytes(10) }),
  });
  t.equal(third.status, 400);
  t.match((await books(sim, `/bills/${id}`, { token })).body.bill, { attachment_name: "1.pdf", documents: [{}, {}] });
  t.equal((await stats(sim)).attachments[id]!.length, 2, "a second upload is visible, not silently replaced");
});

t.test("attachment on an unknown bill is 404 code 1002", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const res = await books(sim, "/bills/460009999999/attachment", {
    token,
    body: attachmentForm({ name: "a.pdf", bytes: pdfBytes(10) }),
  });
  t.equal(res.status, 404);
  t.equal(res.body.code, 1002);
});

t.test("with storeAttachmentBytes off the hash is kept but GET has no bytes", async (t) => {
  const sim = await startSim(t, { storeAttachmentBytes: false });
  const token = await mintToken(sim);
  const id = await newBill(sim, token);
  await books(sim, `/bills/${id}/attachment`, { token, body: attachmentForm({ name: "a.pdf", bytes: pdfBytes(10) }) });
  t.equal((await stats(sim)).attachments[id]!.length, 1);
  t.equal((await books(sim, `/bills/${id}/attachment`, { token })).status, 404);
});
