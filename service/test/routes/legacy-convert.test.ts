import t from "tap";
import { findTransaction } from "../../../lib/transactions.ts";
import { build, nothingWritten, pdf, post } from "../helper.ts";

const URL = "/api/convert/base64-to-binary";

t.test("the legacy endpoint keeps working and announces its successor", async (t) => {
  const { app, env } = await build(t);

  t.test("the seed payload (base64 + fileName) is accepted with deprecation headers", async (t) => {
    const bytes = pdf(2048);
    const res = await post(
      app,
      { fileName: "old.pdf", base64: bytes.toString("base64"), someSeedField: "ignored" },
      {},
      URL,
    );
    t.equal(res.statusCode, 202, res.body);
    t.equal(res.headers.deprecation, "@1796083200");
    t.equal(res.headers.sunset, "Wed, 30 Jun 2027 00:00:00 GMT");
    t.equal(res.headers.link, '</api/v1/bills>; rel="successor-version"');
    const row = await findTransaction(app.db, res.json().transactionId);
    t.match(row?.netsuite_bill_id, /^sha256-[0-9a-f]{64}$/, "the content hash is the idempotency key");
    t.equal(row?.file_name, "old.pdf");

    const again = await post(app, { base64Data: bytes.toString("base64") }, {}, URL);
    t.equal(again.statusCode, 200, "same bytes again: same transaction");
    t.equal(again.json().transactionId, res.json().transactionId);
  });

  t.test("a numeric netsuiteBillId and a zohoBillId are accepted", async (t) => {
    const res = await post(
      app,
      { netsuiteBillId: 4711, zohoBillId: "460000000012345", base64Data: pdf(1024).toString("base64") },
      {},
      URL,
    );
    t.equal(res.statusCode, 202, res.body);
    const row = await findTransaction(app.db, res.json().transactionId);
    t.equal(row?.netsuite_bill_id, "4711");
    t.same(row?.bill, { zohoBillId: "460000000012345" });
  });

  t.test("errors carry the deprecation headers too and write nothing", async (t) => {
    const before = await nothingWritten(app, env);
    for (const [body, status] of [
      [{ fileName: "x.pdf" }, 400],
      [{ base64: "not base64!" }, 400],
      [{ base64: Buffer.from("hello").toString("base64") }, 415],
    ] as const) {
      const res = await post(app, body, {}, URL);
      t.equal(res.statusCode, status);
      t.ok(res.headers.deprecation && res.headers.sunset && res.headers.link);
    }
    const unauth = await post(app, { base64: pdf(10).toString("base64") }, { "x-api-key": "nope" }, URL);
    t.equal(unauth.statusCode, 401);
    t.same(await nothingWritten(app, env), before);
  });
});
