import { HeadObjectCommand } from "@aws-sdk/client-s3";
import t from "tap";
import { sql } from "../../../lib/db.ts";
import { findTransaction } from "../../../lib/transactions.ts";
import {
  billBody,
  build,
  messageCount,
  nothingWritten,
  objectCount,
  objectVersions,
  pdf,
  post,
  receiveAll,
  rowCount,
} from "../helper.ts";

const MAX = 64 * 1024; // a small MAX_PDF_BYTES keeps the size cases fast

t.test("POST /api/v1/bills", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });

  t.test("accepts a PDF with 202: object (SSE, SHA-256), committed row, then one message", async (t) => {
    const bytes = pdf(10 * 1024);
    const body = billBody(bytes, { billDetails: { billNumber: "B-1", vendorName: "Acme", total: 12.5 } });
    delete (body as { referenceNumber?: string }).referenceNumber;
    const res = await post(app, body);
    t.equal(res.statusCode, 202, res.body);
    const json = res.json();
    t.match(json, { transactionId: /^[0-9a-f-]{36}$/, status: "pending" });
    t.equal(json.statusUrl, `/api/v1/transactions/${json.transactionId}`);
    t.equal(res.headers.location, json.statusUrl);

    const row = await findTransaction(app.db, json.transactionId);
    t.ok(row);
    t.equal(row?.netsuite_bill_id, body.netsuiteBillId);
    t.equal(row?.file_size, bytes.length);
    t.equal(row?.api_key_name, "netsuite-test");
    t.ok(row?.enqueued_at, "enqueued_at stamped after the send");
    t.same(row?.bill, { details: { billNumber: "B-1", vendorName: "Acme", total: 12.5 } });

    const head = await env.s3.send(
      new HeadObjectCommand({ Bucket: env.incomingBucket, Key: row?.s3_key, ChecksumMode: "ENABLED" }),
    );
    t.equal(head.ServerSideEncryption, "aws:kms");
    t.equal(head.ChecksumSHA256, Buffer.from(row?.content_sha256 ?? "", "hex").toString("base64"));
    t.equal(head.ContentLength, bytes.length);

    const [msg] = await receiveAll(env);
    t.same(msg, {
      version: 1,
      transactionId: json.transactionId,
      netsuiteBillId: body.netsuiteBillId,
      bucket: env.incomingBucket,
      key: row?.s3_key,
      sha256: row?.content_sha256,
    });
  });

  t.test("a retry with the same bytes answers 200 with the same id and writes nothing", async (t) => {
    const body = billBody(pdf(2048));
    const first = await post(app, body);
    t.equal(first.statusCode, 202);
    const before = { objects: await objectVersions(env), rows: await rowCount(app), messages: await messageCount(env) };
    const again = await post(app, { ...body, fileName: "renamed.pdf" });
    t.equal(again.statusCode, 200);
    t.equal(again.json().transactionId, first.json().transactionId);
    t.equal(again.headers.location, first.headers.location);
    t.same(
      { objects: await objectVersions(env), rows: await rowCount(app), messages: await messageCount(env) },
      before,
    );
  });

  t.test("the same bill id with different bytes is 409 and writes nothing", async (t) => {
    const body = billBody(pdf(2048));
    const first = await post(app, body);
    const before = { objects: await objectVersions(env), rows: await rowCount(app), messages: await messageCount(env) };
    const res = await post(app, { ...body, base64Data: pdf(2048).toString("base64") });
    t.equal(res.statusCode, 409);
    t.match(res.json(), { code: "ERR_BILL_CONFLICT", transactionId: first.json().transactionId });
    t.same(
      { objects: await objectVersions(env), rows: await rowCount(app), messages: await messageCount(env) },
      before,
    );
  });

  t.test("the file name never brings separators, control characters or .. into the object key", async (t) => {
    const res = await post(app, billBody(pdf(1024), { fileName: "../../etc/\u0000pass\u202ewd\r\n..\\..\\x..pdf" }));
    t.equal(res.statusCode, 202);
    const row = await findTransaction(app.db, res.json().transactionId);
    const key = row?.s3_key ?? "";
    const name = key.split("/").pop() ?? "";
    t.equal(key.split("/").length, 4, `key ${key} is bills/<id>/<sha>/<name>`);
    t.notMatch(name, /\.\.|[\\/\p{Cc}\p{Cf}]/u);
    t.equal(name, "x.pdf");
    t.equal(row?.file_name, name);
  });
});

t.test("two concurrent identical requests yield one row, one object and one message", async (t) => {
  const { app, env } = await build(t);
  const body = billBody(pdf(200 * 1024));
  const results = await Promise.all([post(app, body), post(app, body), post(app, body)]);
  const codes = results.map((r) => r.statusCode).sort();
  t.same(codes, [200, 200, 202]);
  t.equal(new Set(results.map((r) => r.json().transactionId)).size, 1);
  t.same(await nothingWritten(app, env), { objects: 1, rows: 1, messages: 1 });
});

t.test("a concurrent duplicate with a different name leaves no orphan object", async (t) => {
  const { app, env } = await build(t);
  const body = billBody(pdf(50 * 1024));
  const results = await Promise.all([post(app, body), post(app, { ...body, fileName: "other-name.pdf" })]);
  t.same(results.map((r) => r.statusCode).sort(), [200, 202]);
  t.same(await nothingWritten(app, env), { objects: 1, rows: 1, messages: 1 });
});

t.test("bad input gets a clear JSON error and changes nothing", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });
  const good = () => billBody(pdf(1024));
  const overLimit = pdf(MAX + 3).toString("base64");
  const bodyLimit = Math.ceil(MAX / 3) * 4 + 1024 * 1024;
  const cases: [string, unknown, number, string][] = [
    ["missing netsuiteBillId", { ...good(), netsuiteBillId: undefined }, 400, "FST_ERR_VALIDATION"],
    ["missing base64Data", { ...good(), base64Data: undefined }, 400, "FST_ERR_VALIDATION"],
    ["numeric netsuiteBillId", { ...good(), netsuiteBillId: 123 }, 400, "FST_ERR_VALIDATION"],
    ["base64Data as a number", { ...good(), base64Data: 42 }, 400, "FST_ERR_VALIDATION"],
    ["an unknown field", { ...good(), extra: true }, 400, "FST_ERR_VALIDATION"],
    ["a __proto__ key", `{"__proto__":{"admin":true},${JSON.stringify(good()).slice(1)}`, 400, "FST_ERR_VALIDATION"],
    ["a slash in netsuiteBillId", { ...good(), netsuiteBillId: "../x" }, 400, "FST_ERR_VALIDATION"],
    ["not JSON", "{nope", 400, "ERR_INVALID_JSON"],
    ["non-base64 characters", { ...good(), base64Data: "JVBERi0x$$$==" }, 400, "ERR_INVALID_BASE64"],
    ["URL-safe base64", { ...good(), base64Data: `JVBERi0x${"-_"}AA` }, 400, "ERR_INVALID_BASE64"],
    ["missing padding", { ...good(), base64Data: "JVBERi0xLjc" }, 400, "ERR_INVALID_BASE64"],
    ["padding in the middle", { ...good(), base64Data: "JVBE=i0xLjcK" }, 400, "ERR_INVALID_BASE64"],
    ["line breaks", { ...good(), base64Data: "JVBERi0x\nLjcK" }, 400, "ERR_INVALID_BASE64"],
    ["empty data", { ...good(), base64Data: "" }, 400, "ERR_INVALID_BASE64"],
    [
      "zohoBillId and billDetails",
      { ...good(), zohoBillId: "1", billDetails: { billNumber: "b" } },
      400,
      "ERR_INVALID_BILL_TARGET",
    ],
    ["no way to find the bill", { ...good(), referenceNumber: undefined }, 400, "ERR_INVALID_BILL_TARGET"],
    [
      "bad line item",
      { ...good(), billDetails: { billNumber: "b", lineItems: [{ rate: "x" }] } },
      400,
      "FST_ERR_VALIDATION",
    ],
    ["decoded size over the limit", { ...good(), base64Data: overLimit }, 413, "ERR_BILL_TOO_LARGE"],
    ["body over the body limit", { ...good(), base64Data: "A".repeat(bodyLimit) }, 413, "FST_ERR_CTP_BODY_TOO_LARGE"],
    ["not a PDF", { ...good(), base64Data: Buffer.from("PK\u0003\u0004 zip").toString("base64") }, 415, "ERR_NOT_PDF"],
    ["another mime type", { ...good(), mimeType: "image/png" }, 415, "ERR_NOT_PDF"],
  ];
  for (const [name, body, status, code] of cases) {
    const res = await post(app, body);
    t.equal(res.statusCode, status, `${name}: ${status}`);
    t.equal(res.headers["content-type"], "application/json; charset=utf-8", `${name}: JSON`);
    t.match(res.json(), { statusCode: status, code, message: String }, `${name}: ${code}`);
  }
  const wrongType = await app.inject({
    method: "POST",
    url: "/api/v1/bills",
    headers: { "content-type": "text/plain", "x-api-key": "test-key-0123456789abcdef0123456789abcdef" },
    payload: "x",
  });
  t.equal(wrongType.statusCode, 415, `a non-JSON content type is 415: ${wrongType.body}`);
  t.same(await nothingWritten(app, env), { objects: 0, rows: 0, messages: 0 }, "no object, row or message");
});

t.test("the size check happens before decoding: judged from the length alone", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });
  // Not base64 at all, but long enough that the length says "too large": 413, not 400.
  const res = await post(app, billBody(pdf(1), { base64Data: "%".repeat(Math.ceil(MAX / 3) * 4 + 8) }));
  t.equal(res.statusCode, 413);
  t.equal(await objectCount(env), 0);
});

t.test("ingest metrics are batched: accepted, latency and rejected by reason in one flush", async (t) => {
  const { app, env } = await build(t);
  await post(app, billBody(pdf(1024)));
  await post(app, billBody(pdf(1024), { mimeType: "text/plain" }));
  const calls = app.metrics.calls;
  await app.metrics.flush();
  t.equal(app.metrics.calls, calls + 1, "one PutMetricData call for all of them");
  const { ListMetricsCommand } = await import("@aws-sdk/client-cloudwatch");
  // Asked by name and dimensions: the shared stand-in keeps every test file's metrics, and paging
  // through all of them while other files add more can skip entries.
  const environment = { Name: "Environment", Value: env.env.ENVIRONMENT };
  const listed = async (MetricName: string, extra: { Name: string; Value: string }[] = []) =>
    (
      await app.aws.cloudwatch.send(
        new ListMetricsCommand({
          Namespace: app.config.METRICS_NAMESPACE,
          MetricName,
          Dimensions: [environment, ...extra],
        }),
      )
    ).Metrics ?? [];
  t.ok((await listed("BillsAccepted")).length > 0, "BillsAccepted");
  t.ok((await listed("IngestLatency")).length > 0, "IngestLatency");
  t.ok(
    (await listed("BillsRejected", [{ Name: "Reason", Value: "ERR_NOT_PDF" }])).length > 0,
    "BillsRejected by reason",
  );
  t.equal(
    (await listed("BillsRejected", [{ Name: "Reason", Value: "ERR_NO_SUCH_REASON" }])).length,
    0,
    "the filter bites",
  );
  void sql;
});
