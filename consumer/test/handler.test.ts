import { CloudWatchClient, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { GetObjectTaggingCommand, HeadObjectCommand, PutObjectTaggingCommand } from "@aws-sdk/client-s3";
import t from "tap";
import { z } from "zod";
import { sql } from "../../lib/db.ts";
import { findTransaction } from "../../lib/transactions.ts";
import { handleBill } from "../src/handler.ts";
import type { InboundMessage } from "../src/types.ts";
import {
  ACME,
  receiveOne,
  seedBill,
  setFaults,
  setupConsumerEnv,
  simAttachments,
  simStats,
  testDeps,
} from "./helper.ts";

const e = await setupConsumerEnv(t, { env: { WORKER_MAX_RECEIVES: "3" } });
const deps = await testDeps(t, e);

async function next(): Promise<InboundMessage> {
  const m = await receiveOne(e);
  if (!m) throw new Error("no message");
  return m.inbound;
}
const booksCalls = () => {
  const s = simStats(e);
  return Object.entries(s.byRoute)
    .filter(([route]) => route.includes("/books/"))
    .reduce((n, [, c]) => n + c, 0);
};
const auditRows = (id: string) =>
  e.db.any(sql.type(
    z.object({ operation: z.string(), request: z.any(), response: z.any(), status_code: z.number().nullable() }),
  )`
    SELECT operation, request, response, status_code FROM api_audit_logs WHERE transaction_id = ${id} ORDER BY id`);

const incomingTags = async (key: string) =>
  (await e.s3.send(new GetObjectTaggingCommand({ Bucket: e.incomingBucket, Key: key }))).TagSet ?? [];

t.test("a new bill is created with its PDF in one Zoho call, copied to processed and marked success", async (t) => {
  const bill = await seedBill(e);
  const before = booksCalls();
  const outcome = await handleBill(await next(), deps);
  t.same(outcome, { action: "ack", result: "delivered" });
  t.equal(booksCalls() - before, 1, "one Books call for a new bill");
  const row = await findTransaction(e.db, bill.transactionId);
  t.equal(row?.status, "success");
  t.ok(row?.zoho_bill_id, "Zoho bill id saved");
  t.ok(row?.zoho_document_id, "Zoho document id saved");
  const docs = simAttachments(e).filter((a) => a.billId === row?.zoho_bill_id);
  t.same(
    docs.map((d) => d.sha256),
    [bill.sha256],
    "the simulator holds exactly our bytes",
  );
  const head = await e.s3.send(
    new HeadObjectCommand({ Bucket: e.processedBucket, Key: `bills/${bill.netsuiteBillId}/${bill.fileName}` }),
  );
  t.ok(head.ContentLength, "object copied to the processed bucket");
  t.same(await incomingTags(bill.key), [{ Key: "stored-once", Value: "delivered" }], "incoming copy marked to expire");
  const audit = await auditRows(bill.transactionId);
  t.same(
    audit.map((a) => a.operation),
    ["books.bills.create"],
  );
  t.equal(audit[0]?.status_code, 201);
  t.equal(audit[0]?.request.attachment.sha256, bill.sha256, "audit records the file by hash");
  t.notMatch(JSON.stringify(audit), /Zoho-oauthtoken|1000\.[0-9a-f]{10,}|%PDF/, "no token or file bytes in the audit");
});

t.test("a redelivered message for a delivered bill is acknowledged without calling Zoho", async (t) => {
  const bill = await seedBill(e);
  const first = await next();
  t.same(await handleBill(first, deps), { action: "ack", result: "delivered" });
  const before = booksCalls();
  t.same(await handleBill(first, deps), { action: "ack", result: "already-delivered" });
  t.equal(booksCalls(), before, "no Zoho call");
  t.equal((await findTransaction(e.db, bill.transactionId))?.status, "success");
});

t.test("a create that landed in Zoho but whose answer was lost is found, not duplicated", async (t) => {
  const bill = await seedBill(e);
  await setFaults(e, { drop: { when: "after", count: 1, method: "POST" } });
  const m = await next();
  const first = await handleBill(m, deps);
  t.equal(first.action, "retry", "dropped connection is transient");
  let row = await findTransaction(e.db, bill.transactionId);
  t.equal(row?.retry_count, 1);
  t.ok(row?.last_attempt_at, "the write stamp tells the next attempt to look first");
  t.same(await handleBill(m, deps), { action: "ack", result: "delivered" });
  row = await findTransaction(e.db, bill.transactionId);
  const docs = simAttachments(e).filter((a) => a.fileName === bill.fileName);
  t.equal(docs.length, 1, "one attachment");
  t.equal(docs[0]?.billId, row?.zoho_bill_id);
  t.equal(docs[0]?.sha256, bill.sha256);
  const ops = (await auditRows(bill.transactionId)).map((a) => a.operation);
  t.same(ops, ["books.bills.create", "books.bills.list", "books.bills.get"], "looked up and checked documents");
});

t.test("a bill named by zohoBillId gets the PDF attached once, even when the message comes again", async (t) => {
  const first = await seedBill(e);
  await handleBill(await next(), deps);
  const zohoBillId = (await findTransaction(e.db, first.transactionId))?.zoho_bill_id ?? undefined;
  const second = await seedBill(e, { bill: { zohoBillId } });
  const m = await next();
  t.same(await handleBill(m, deps), { action: "ack", result: "delivered" });
  await e.db.query(
    sql.type(z.object({}))`UPDATE transactions SET status = 'pending' WHERE id = ${second.transactionId}`,
  );
  t.same(await handleBill(m, deps), { action: "ack", result: "delivered" }, "second run finds it attached");
  const docs = simAttachments(e).filter((a) => a.billId === zohoBillId);
  t.same(docs.map((d) => d.sha256).sort(), [first.sha256, second.sha256].sort(), "both PDFs, each once");
});

t.test("an unknown vendor fails at once with a clear message", async (t) => {
  const byName = await seedBill(e, { bill: { details: { vendorName: "Nobody Ltd", billNumber: "X-1" } } });
  t.same(await handleBill(await next(), deps), { action: "ack", result: "failed" });
  const row = await findTransaction(e.db, byName.transactionId);
  t.equal(row?.status, "failed");
  t.match(row?.error_message, /unknown vendor: no active Zoho Books vendor named "Nobody Ltd"/);
  t.equal(row?.retry_count, 0, "no retries spent");

  const byId = await seedBill(e, { bill: { details: { vendorId: "999999999", billNumber: "X-2" } } });
  t.same(await handleBill(await next(), deps), { action: "ack", result: "failed" });
  t.match((await findTransaction(e.db, byId.transactionId))?.error_message, /vendor_id/);
});

t.test("a vendor name resolves to its contact id (cached) and the bill is created", async (t) => {
  const bill = await seedBill(e, { bill: { details: { vendorName: "Acme Supplies", billNumber: "BY-NAME-1" } } });
  t.same(await handleBill(await next(), deps), { action: "ack", result: "delivered" });
  t.same(
    (await auditRows(bill.transactionId)).map((a) => a.operation),
    ["books.contacts.list", "books.bills.create"],
  );
  t.equal(await deps.redis.get("zoho:vendor:acme supplies"), ACME);
});

t.test("5xx answers retry with backoff, then fail the bill and dead-letter the message", async (t) => {
  const bill = await seedBill(e);
  await setFaults(e, { error5xx: { status: 503 } });
  t.teardown(() => setFaults(e, { clear: true }));
  const m = await next();
  const a1 = await handleBill(m, deps);
  t.equal(a1.action, "retry");
  const a2 = await handleBill(m, deps);
  t.equal(a2.action, "retry");
  t.equal((await findTransaction(e.db, bill.transactionId))?.retry_count, 2);
  await deps.redis.del(deps.limiter.pauseKey); // the breaker may have opened; this test is about the budget
  const a3 = await handleBill(m, deps);
  t.equal(a3.action, "deadletter", "third attempt is the last of WORKER_MAX_RECEIVES=3");
  const row = await findTransaction(e.db, bill.transactionId);
  t.equal(row?.status, "failed");
  t.match(row?.error_message, /gave up after 3 attempts: .*503/);
});

t.test("a 429 delays the bill without spending an attempt", async (t) => {
  await setFaults(e, { clear: true });
  await deps.redis.del(deps.limiter.pauseKey);
  const bill = await seedBill(e);
  await setFaults(e, { rate429: { code: 1070, count: 1 } });
  const outcome = await handleBill(await next(), deps);
  t.same(outcome, { action: "ack", result: "delivered" }, "waited out in-process (code 1070 pauses 1 s)");
  const row = await findTransaction(e.db, bill.transactionId);
  t.equal(row?.retry_count, 0);
  t.equal(simStats(e).injected.rate429, 1);

  const quick = await testDeps(t, e, { WORKER_MAX_THROTTLE_WAIT_MS: "0" });
  const other = await seedBill(e);
  await setFaults(e, { rate429: { code: 44, count: 1 } });
  const delayed = await handleBill(await next(), quick);
  t.equal(delayed.action, "defer", "past the throttle budget: deferred with a delay");
  const r2 = await findTransaction(e.db, other.transactionId);
  t.equal(r2?.status, "pending");
  t.equal(r2?.retry_count, 0);
  t.equal(r2?.last_attempt_at, null, "a refused write leaves no stamp: the next try still creates in one call");
  await deps.redis.del(deps.limiter.pauseKey);
});

t.test("a message whose bill another worker holds is deferred, never dropped", async (t) => {
  const bill = await seedBill(e);
  await deps.redis.set(`tx-lock:${bill.transactionId}`, "someone", "PX", 3000);
  const outcome = await handleBill(await next(), deps);
  t.equal(outcome.action, "defer");
  t.equal((await findTransaction(e.db, bill.transactionId))?.status, "pending");
});

t.test("delivery metrics reach CloudWatch in batched PutMetricData calls", async (t) => {
  await deps.metrics.flush();
  // Batched by lib/metrics.ts: one call per flush interval (500 ms in tests), not one per data point.
  t.ok(deps.metrics.calls >= 1, `sent in ${deps.metrics.calls} PutMetricData calls`);
  const listed = await new CloudWatchClient({ region: process.env.AWS_REGION ?? "us-east-1" }).send(
    new ListMetricsCommand({ Namespace: "BillMiddleware", Dimensions: [{ Name: "Environment", Value: "test" }] }),
  );
  const names = new Set((listed.Metrics ?? []).map((m) => m.MetricName));
  for (const name of [
    "PDFProcessingTime",
    "PDFsProcessed",
    "ZohoAPISuccessRate",
    "ZohoCallsPerBill",
    "ZohoThrottles",
  ]) {
    t.ok(names.has(name), name);
  }
});

t.test("an unreadable message is dead-lettered", async (t) => {
  const outcome = await handleBill({ messageId: "m", body: "{nope", receiptHandle: "r", receiveCount: 1 }, deps);
  t.equal(outcome.action, "deadletter");
});

t.test(
  "a failed stored-once tag leaves the bill delivered: logged, counted, the PDF kept for the backstop",
  async (t) => {
    const bill = await seedBill(e);
    const send = deps.s3.send.bind(deps.s3);
    deps.s3.send = ((command: unknown, ...rest: unknown[]) =>
      command instanceof PutObjectTaggingCommand
        ? Promise.reject(Object.assign(new Error("Access Denied"), { name: "AccessDenied" }))
        : (send as (...a: unknown[]) => Promise<unknown>)(command, ...rest)) as typeof deps.s3.send;
    const record = deps.metrics.record.bind(deps.metrics);
    const recorded: string[] = [];
    deps.metrics.record = (name, ...rest) => {
      recorded.push(name);
      record(name, ...rest);
    };
    t.teardown(() => {
      deps.s3.send = send;
      deps.metrics.record = record;
    });

    t.same(await handleBill(await next(), deps), { action: "ack", result: "delivered" });
    t.equal((await findTransaction(e.db, bill.transactionId))?.status, "success");
    const head = await e.s3.send(new HeadObjectCommand({ Bucket: e.processedBucket, Key: bill.key }));
    t.ok(head.ContentLength, "the processed copy exists");
    t.same(await incomingTags(bill.key), [], "incoming untagged: only the 400-day backstop applies");
    t.equal(recorded.filter((n) => n === "StoredOnceTagFailures").length, 1, "counted once");
    t.ok(recorded.includes("PDFsProcessed"), "the delivery's own metrics still recorded");
  },
);
