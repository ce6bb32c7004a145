/**
 * Error management over the real Postgres and SQS stand-ins: list with Zoho's answer, retry
 * (with a data fix), resolve, retry of a stuck transaction, DLQ clean-up, and the operator
 * action each change leaves.
 */
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import t from "tap";
import { z } from "zod";
import { createDb, sql } from "../db.ts";
import { peekDlq } from "../dlq.ts";
import { getBillErrorDetail, listFailedBills } from "../operations/failed-bills.ts";
import { OperationError } from "../operations/operation-error.ts";
import { listOperatorActions, type Operator } from "../operations/operator-actions.ts";
import { resolveFailedBills } from "../operations/resolve.ts";
import { retryFailedBills, retryStuckTransaction } from "../operations/retry.ts";
import { sendBillMessage } from "../queue.ts";
import { setupTestEnv } from "../testing/harness.ts";
import { seedBill, seedZohoCall } from "../testing/seed.ts";
import { findTransaction } from "../transactions.ts";

const env = await setupTestEnv(t);
const db = await createDb({ DATABASE_URL: env.databaseUrl });
t.teardown(() => db.end());
const noRows = sql.type(z.object({}));
const who: Operator = { actor: "alice", reason: "vendor id fixed in NetSuite, ticket OPS-12", channel: "cli" };
const deps = { db, sqs: env.sqs, queueUrl: env.queueUrl, dlqUrl: env.dlqUrl };

async function drain(queueUrl: string): Promise<string[]> {
  const out = await env.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}").transactionId);
}

t.test("lists open failures with Zoho's last error answer, newest first", async (t) => {
  const older = await seedBill(db, { ageMs: 120_000, errorMessage: "vendor not found" });
  await seedZohoCall(db, older, { statusCode: 200, message: "success" });
  await seedZohoCall(db, older, { statusCode: 400, zohoCode: 1002, message: "Vendor does not exist." });
  const newer = await seedBill(db, { ageMs: 30_000 });
  await seedBill(db, { status: "success" });

  const rows = await listFailedBills(db, { netsuiteBillId: undefined });
  const ids = rows.map((r) => r.id);
  t.ok(ids.indexOf(newer) < ids.indexOf(older), "newest first");
  t.notOk(
    rows.some((r) => r.status !== "failed"),
    "only failed rows",
  );
  const row = rows.find((r) => r.id === older);
  t.equal(row?.zoho_code, 1002);
  t.equal(row?.zoho_status_code, 400, "the failing call, not the later successful one");
  t.equal(row?.zoho_message, "Vendor does not exist.");

  const detail = await getBillErrorDetail(db, older);
  t.equal(detail.zohoCalls.length, 2, "every audited call is shown");
  const missing = await getBillErrorDetail(db, "00000000-0000-4000-8000-000000000000").catch((e: unknown) => e);
  t.match(missing, { name: "OperationError", statusCode: 404 }, "unknown id is a 404");
});

t.test("retry with a data fix resets the row, enqueues it, removes its DLQ copy and audits all of it", async (t) => {
  const id = await seedBill(db, { bill: { details: { billNumber: "B-7", vendorId: "111" } } });
  const row = await findTransaction(db, id);
  await sendBillMessage(env.sqs, env.dlqUrl, {
    version: 1,
    transactionId: id,
    netsuiteBillId: row!.netsuite_bill_id,
    bucket: row!.s3_bucket,
    key: row!.s3_key,
    sha256: row!.content_sha256,
  });
  const result = await retryFailedBills(deps, { ids: [id], operator: who, billFix: { details: { vendorId: "222" } } });
  t.same(
    result.requeued.map((r) => r.id),
    [id],
  );
  t.equal(result.removedFromDlq, 1, "the DLQ copy is gone");
  t.same(await drain(env.queueUrl), [id], "a fresh message is on the queue");

  const after = await findTransaction(db, id);
  t.equal(after?.status, "pending");
  t.equal(after?.error_message, null);
  t.equal(after?.bill?.details?.vendorId, "222", "the fix is applied");
  t.equal(after?.bill?.details?.billNumber, "B-7", "fields the fix leaves out are kept");
  t.ok(after?.enqueued_at, "marked enqueued");

  const [action] = await listOperatorActions(db, { transactionId: id });
  t.equal(action?.action, "retry");
  t.equal(action?.actor, "alice");
  t.equal(action?.reason, who.reason);
  t.match(action?.details, {
    billBefore: { details: { vendorId: "111" } },
    billAfter: { details: { vendorId: "222" } },
  });
});

t.test("retry many skips what is not failed and says why", async (t) => {
  const a = await seedBill(db);
  const b = await seedBill(db);
  const ok = await seedBill(db, { status: "success" });
  const missing = "00000000-0000-4000-8000-000000000001";
  const result = await retryFailedBills(deps, { ids: [a, b, ok, missing], operator: who });
  t.same(result.requeued.map((r) => r.id).sort(), [a, b].sort());
  t.same(result.skipped.map((s) => s.id).sort(), [missing, ok].sort());
  t.match(result.skipped.find((s) => s.id === ok)?.reason, /success/);
  await drain(env.queueUrl);
  await t.rejects(retryFailedBills(deps, { ids: [a, b], operator: who, billFix: {} }), OperationError);
  await t.rejects(retryFailedBills(deps, { ids: ["x'; DROP TABLE transactions; --"], operator: who }), {
    code: "ERR_BAD_ID",
  });
  await t.rejects(retryFailedBills(deps, { ids: [a], operator: { ...who, reason: "  " } }), "a reason is required");
});

t.test("resolve records who and why, once", async (t) => {
  const id = await seedBill(db);
  const first = await resolveFailedBills(db, { ids: [id], operator: { ...who, reason: "entered by hand in Zoho" } });
  t.same(first.resolved, [id]);
  const row = await db.one(
    sql.type(
      z.object({ resolved_by: z.string().nullable(), resolution_note: z.string().nullable() }),
    )`SELECT resolved_by, resolution_note FROM transactions WHERE id = ${id}`,
  );
  t.same(row, { resolved_by: "alice", resolution_note: "entered by hand in Zoho" });
  const again = await resolveFailedBills(db, { ids: [id], operator: who });
  t.same(again.resolved, []);
  t.match(again.skipped, [{ id, reason: "already resolved" }]);
  t.notOk(
    (await listFailedBills(db)).some((r) => r.id === id),
    "resolved bills leave the open list",
  );
  t.ok((await listFailedBills(db, { state: "resolved" })).some((r) => r.id === id));
  await t.rejects(db.query(noRows`DELETE FROM operator_actions`), /append-only/, "the audit cannot be erased");
});

t.test("retry-stuck refuses delivered and freshly attempted rows, takes stale ones", async (t) => {
  const done = await seedBill(db, { status: "success" });
  const busy = await seedBill(db, { status: "processing", lastAttemptAgoMs: 10_000 });
  const stuck = await seedBill(db, { status: "processing", lastAttemptAgoMs: 3_600_000 });
  t.match((await retryStuckTransaction(deps, { id: done, operator: who })).skipped, [{ reason: /already delivered/ }]);
  t.match((await retryStuckTransaction(deps, { id: busy, operator: who })).skipped, [{ reason: /attempted it/ }]);
  const r = await retryStuckTransaction(deps, { id: stuck, operator: who });
  t.same(
    r.requeued.map((x) => x.id),
    [stuck],
  );
  t.same(await drain(env.queueUrl), [stuck]);
  t.equal((await findTransaction(db, stuck))?.status, "pending");
});

t.test("peekDlq shows DLQ messages and leaves them there", async (t) => {
  const id = await seedBill(db);
  await sendBillMessage(env.sqs, env.dlqUrl, {
    version: 1,
    transactionId: id,
    netsuiteBillId: "NS-peek",
    bucket: "bucket",
    key: "k",
    sha256: "0".repeat(64),
  });
  const first = await peekDlq(env.sqs, env.dlqUrl);
  t.ok(first.some((e) => e.transactionId === id));
  const second = await peekDlq(env.sqs, env.dlqUrl);
  t.ok(
    second.some((e) => e.transactionId === id),
    "still there after a peek",
  );
});

t.test("resolve deletes the resolved bill's DLQ copy so a DLQ redrive cannot revive it", async (t) => {
  const id = await seedBill(db);
  const row = await findTransaction(db, id);
  await sendBillMessage(env.sqs, env.dlqUrl, {
    version: 1,
    transactionId: id,
    netsuiteBillId: row!.netsuite_bill_id,
    bucket: row!.s3_bucket,
    key: row!.s3_key,
    sha256: row!.content_sha256,
  });
  const result = await resolveFailedBills(db, { ids: [id], operator: who }, { sqs: env.sqs, dlqUrl: env.dlqUrl });
  t.equal(result.removedFromDlq, 1);
  t.notOk((await peekDlq(env.sqs, env.dlqUrl)).some((e) => e.transactionId === id));
});
