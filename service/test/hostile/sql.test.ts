/**
 * SQL in every string field (docs/hostile-inputs.md). Fields with a pattern reject it (400); free
 * text is stored verbatim as data (every query is parameterized by slonik's sql tag), and the table
 * is intact afterwards: the canary row is untouched and the row count is what the 2xx answers say.
 */
import t from "tap";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";
import { findTransaction } from "../../../lib/transactions.ts";
import { API_KEY, billBody, build, pdf, post, rowCount } from "../helper.ts";
import { nothingLeft, rejected } from "./expect.ts";

const SQL = [
  "'; DROP TABLE transactions; --",
  "' OR '1'='1",
  "1; SELECT pg_sleep(5); --",
  "$$; DELETE FROM transactions; $$",
  "\\'; UPDATE transactions SET status='success' WHERE ''='",
  "%' OR 1=1 --",
  "1 UNION SELECT id, content_sha256 FROM transactions --",
];

t.test("SQL in pattern-checked fields is 400; in the media type 415; nothing stored", async (t) => {
  const { app, env } = await build(t);
  for (const s of SQL) {
    rejected(
      t,
      await post(app, billBody(pdf(1024), { netsuiteBillId: s })),
      400,
      "FST_ERR_VALIDATION",
      `netsuiteBillId ${s}`,
    );
    rejected(t, await post(app, billBody(pdf(1024), { zohoBillId: s })), 400, "FST_ERR_VALIDATION", `zohoBillId ${s}`);
    const dated = billBody(pdf(1024), { billDetails: { billNumber: "B", date: s } });
    rejected(t, await post(app, dated), 400, "FST_ERR_VALIDATION", `billDetails.date ${s}`);
    const currency = billBody(pdf(1024), { billDetails: { billNumber: "B", currencyCode: s } });
    rejected(t, await post(app, currency), 400, "FST_ERR_VALIDATION", `billDetails.currencyCode ${s}`);
    rejected(t, await post(app, billBody(pdf(1024), { mimeType: s })), 415, "ERR_NOT_PDF", `mimeType ${s}`);
    const legacy = await post(
      app,
      { base64Data: pdf(1024).toString("base64"), netsuiteBillId: s },
      {},
      "/api/convert/base64-to-binary",
    );
    rejected(t, legacy, 400, "FST_ERR_VALIDATION", `legacy netsuiteBillId ${s}`);
    const status = await app.inject({
      method: "GET",
      url: `/api/v1/transactions/${encodeURIComponent(s)}`,
      headers: { "x-api-key": API_KEY },
    });
    rejected(t, status, 400, "FST_ERR_VALIDATION", `transaction id ${s}`);
  }
  await nothingLeft(t, app, env, "SQL in checked fields");
});

t.test("SQL in free-text fields is stored as data and the table is intact", async (t) => {
  const { app, env } = await build(t);
  const canary = await post(app, billBody(pdf(1024), { netsuiteBillId: "CANARY-1" }));
  t.equal(canary.statusCode, 202);
  const before = await findTransaction(app.db, canary.json().transactionId);
  let accepted = 1;
  for (const [i, s] of SQL.entries()) {
    const body = billBody(pdf(1024), {
      netsuiteBillId: `SQL-${i}`,
      fileName: `${s}.pdf`,
      referenceNumber: s.slice(0, 100),
      billDetails: {
        billNumber: s,
        vendorId: s.slice(0, 64),
        vendorName: s,
        referenceNumber: s,
        notes: s,
        lineItems: [{ rate: 1, name: s, description: s, accountId: s.slice(0, 64), itemId: s.slice(0, 64) }],
      },
    });
    delete (body as { referenceNumber?: string }).referenceNumber;
    const res = await post(app, body);
    t.equal(res.statusCode, 202, `${s}: accepted as data (${res.body.slice(0, 120)})`);
    accepted++;
    const row = await findTransaction(app.db, res.json().transactionId);
    t.equal(row?.bill?.details?.billNumber, s, `${s}: billNumber stored verbatim`);
    t.equal(row?.bill?.details?.lineItems?.[0]?.description, s, `${s}: line item stored verbatim`);
    const legacy = await post(
      app,
      { base64Data: pdf(1024).toString("base64"), referenceNumber: s, fileName: s },
      {},
      "/api/convert/base64-to-binary",
    );
    t.equal(legacy.statusCode, 202, `${s}: legacy referenceNumber accepted as data`);
    accepted++;
    const lrow = await findTransaction(app.db, legacy.json().transactionId);
    t.equal(lrow?.bill?.referenceNumber, s, `${s}: legacy referenceNumber stored verbatim`);
  }
  t.same(await findTransaction(app.db, canary.json().transactionId), before, "the canary row is untouched");
  t.equal(await rowCount(app), accepted, "exactly one row per 202: nothing deleted, nothing added");
  const tables = await app.db.oneFirst(
    sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'transactions'`,
  );
  t.equal(tables, 1, "the transactions table still exists");
  await nothingLeft(t, app, env, "SQL as data", { objects: accepted, rows: accepted, messages: accepted });
});
