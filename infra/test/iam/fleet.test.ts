/**
 * The instance processes under IAM enforcement (suite.ts, world.ts): the ingest service with the
 * ingest tier's synthesized role, the worker with the worker tier's, on-call commands with the
 * on-call role's; every path succeeds, then every command sent is held against its list. Negative
 * controls: without one statement, the matching path fails with AccessDenied.
 */
import { randomUUID } from "node:crypto";
import { GetObjectTaggingCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { SignatureV4 } from "@smithy/signature-v4";
import t, { type Test } from "tap";
import { pdfBytes, waitFor } from "../../../consumer/test/helper.ts";
import { Sha256 } from "../../../lib/aws.ts";
import { billMessageFor } from "../../../lib/queue.ts";
import { findTransaction } from "../../../lib/transactions.ts";
import { readCapture } from "./audit.ts";
import { NAMES } from "./policies.ts";
import { launch, run } from "./processes.ts";
import { adminCall, faults, oncallEnv, postBill, workerEnv } from "./scenario.ts";
import { type AccessKey, REGION } from "./stand-in.ts";
import { auditRoles, failOneBill, startService, startSuite } from "./suite.ts";

/**
 * moto's answer to one SQS call signed with `key`: "<status> <body>". Sent by hand because moto
 * answers a refused JSON-protocol call in XML, which the SDK reports as a SyntaxError without the body.
 */
async function sqsAnswer(key: AccessKey, operation: "SendMessage" | "ReceiveMessage", input: object): Promise<string> {
  const url = new URL(String(process.env.AWS_ENDPOINT_URL));
  const body = JSON.stringify(input);
  const signer = new SignatureV4({ credentials: key, region: REGION, service: "sqs", sha256: Sha256 });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: "/",
    query: {},
    headers: {
      host: url.host,
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `AmazonSQS.${operation}`,
    },
    body,
  });
  const { host: _, ...headers } = signed.headers;
  const res = await fetch(`${url.origin}/`, { method: "POST", headers, body });
  return `${res.status} ${await res.text()}`;
}

const s = await startSuite(t);
const { w } = s;
/** A worker whose DLQ settler does not run during the file (its first round is after 10 minutes). */
const quietWorker = () => ({ ...workerEnv(w), WORKER_DLQ_RECONCILE_INTERVAL_MS: "600000" });
/** The service and the worker belong to the file, not to the subtest that starts them. */
const root = t;

/** The stored-once tags of a bill's incoming PDF (read with the bootstrap admin's keys). */
async function incomingTags(id: string) {
  const row = await findTransaction(w.e.db, id);
  const out = await w.e.s3.send(new GetObjectTaggingCommand({ Bucket: row!.s3_bucket, Key: row!.s3_key }));
  return out.TagSet ?? [];
}
const { url: base, running: service } = await startService(root, s);

/** The console's PDF link for a bill, made with the ingest role's keys as the bill page makes it. */
const consolePdfLink = (t: Test, row: { s3_bucket: string; s3_key: string; status: string } | null | undefined) =>
  run(t, {
    ...s.as("ingest"),
    script: "infra/test/iam/runners/pdf-link.ts",
    args: [String(row?.s3_bucket), String(row?.s3_key), String(row?.status), NAMES.processedBucket],
    env: {},
  });

await t.test("ingest service: 202, idempotent 200, 409 (the lost duplicate's version deleted), ready", async (t) => {
  const first = await postBill(base);
  t.equal(first.status, 202, "accepted");
  t.equal((await postBill(base, first.netsuiteBillId)).status, 409, "same id, other bytes: conflict");
  const bytes = pdfBytes(4000);
  const a = await postBill(base, undefined, bytes);
  const b = await postBill(base, a.netsuiteBillId, bytes);
  t.same([a.status, b.status], [202, 200], "same id, same bytes: 200");
  t.equal(b.transactionId, a.transactionId, "with the same transaction");
  let orphanDeleted = false;
  for (let round = 0; round < 5 && !orphanDeleted; round++) {
    const id = `IAM-RACE-${randomUUID().slice(0, 8)}`;
    const answers = await Promise.all([0, 1, 2, 3].map((i) => postBill(base, id, pdfBytes(3000 + i))));
    t.same(answers.map((x) => x.status).sort(), [202, 409, 409, 409], "concurrent: one accepted, three conflicts");
    orphanDeleted = readCapture(s.captureFile).some((c) => c.command === "DeleteObjectCommand" && !c.error);
  }
  t.ok(orphanDeleted, "a duplicate that lost the race deleted the version it wrote");
  t.equal((await fetch(`${base}/health/ready`)).status, 200, "ready: the queue's attributes are readable");
  // The operator console's PDF link: found and presigned with the service's role (runners/pdf-link.ts).
  const row = await findTransaction(w.e.db, String(first.transactionId));
  const link = await consolePdfLink(t, row);
  t.equal(link.code, 0, link.output);
  t.match(
    link.output,
    `{"copy":"incoming","signed":true,"key":"/${row?.s3_bucket}/${row?.s3_key}"}`,
    "not delivered yet: a signed link to the incoming PDF",
  );
});

await t.test(
  "worker: delivers, extends a slow attempt, defers a throttle, retries, dead-letters, settles the DLQ",
  async (t) => {
    const settling = launch(root, { ...s.as("worker"), script: "consumer/src/worker.ts", env: workerEnv(w) });
    s.running.push(settling);
    const delivered = await postBill(base);
    await s.waitStatus(t, String(delivered.transactionId), "success");
    t.pass("delivered");
    t.same(
      await incomingTags(String(delivered.transactionId)),
      [{ Key: "stored-once", Value: "delivered" }],
      "its incoming PDF tagged stored-once with the worker's role (MarkStoredOnce)",
    );

    await faults(w, { slow: { delayMs: 4000, count: 1, method: "POST" } });
    const slow = await postBill(base);
    await s.waitStatus(t, String(slow.transactionId), "success");
    t.ok(
      readCapture(s.captureFile).some((c) => c.role === "worker" && c.command.startsWith("ChangeMessageVisibility")),
      "a slow Zoho call: sqs-consumer extended the message's visibility",
    );

    // Code 1070 (concurrency): the fleet pauses a second, not Zoho's per-minute block.
    await faults(w, { rate429: { count: 1, code: 1070 } });
    const throttled = await postBill(base);
    await s.waitStatus(t, String(throttled.transactionId), "success");
    const row = await findTransaction(w.e.db, String(throttled.transactionId));
    t.equal(row?.retry_count, 0, "throttled: deferred (a fresh delayed copy), no attempt counted");
    t.match(s.running.at(-1)?.output(), /throttled; delaying the message/, "the worker deferred it");

    await faults(w, { error5xx: { status: 500, count: 1 } });
    const retried = await postBill(base);
    await s.waitStatus(t, String(retried.transactionId), "success");
    t.ok(
      Number((await findTransaction(w.e.db, String(retried.transactionId)))?.retry_count) >= 1,
      "retried after a 500",
    );

    await failOneBill(t, s, base);
    t.pass("budget spent: failed and dead-lettered");

    // A stale DLQ copy of a delivered bill (a delete SQS lost): the settler deletes it.
    const stale = await findTransaction(w.e.db, String(delivered.transactionId));
    await w.e.sqs.send(
      new SendMessageCommand({ QueueUrl: w.dlqUrl, MessageBody: JSON.stringify(billMessageFor(stale as never)) }),
    );
    const settled = () =>
      readCapture(s.captureFile).some(
        (c) =>
          c.role === "worker" && c.command === "DeleteMessageBatchCommand" && String(c.input.QueueUrl).endsWith("-dlq"),
      );
    await waitFor("the settler deletes the stale copy", async () => settled(), 20_000, 300);
    t.pass("settled");
    // From here on workers without a settler round every second: a round holds each DLQ copy while
    // it runs (released at its end), so an operator path below could miss a copy at that moment.
    await settling.stop();
    t.ok(settling.child.exitCode !== null || settling.child.signalCode !== null, "the settling worker stopped");
    s.running.push(launch(root, { ...s.as("worker"), script: "consumer/src/worker.ts", env: quietWorker() }));
  },
);

await t.test("operator console: a delivered bill's PDF is linked from its processed copy (ingest role)", async (t) => {
  // Incoming objects expire; the processed copy is kept (Object Lock). ConsoleProcessedPdf lets the
  // service HEAD it and the browser GET it; without it findPdf falls back to incoming.
  const posted = await postBill(base);
  await s.waitStatus(t, String(posted.transactionId), "success");
  const row = await findTransaction(w.e.db, String(posted.transactionId));
  const link = await consolePdfLink(t, row);
  t.equal(link.code, 0, link.output);
  t.match(
    link.output,
    `{"copy":"processed","signed":true,"key":"/${NAMES.processedBucket}/${row?.s3_key}"}`,
    "a signed link to the processed copy",
  );
  const heads = readCapture(s.captureFile).filter(
    (c) => c.role === "ingest" && c.command === "HeadObjectCommand" && c.input.Bucket === NAMES.processedBucket,
  );
  t.ok(heads.length > 0 && heads.every((c) => !c.error), "the service's HEAD of the processed copy was allowed");
});

await t.test("operator DLQ peek, retry and resolve through the admin API (ingest role)", async (t) => {
  const first = await failOneBill(t, s, base);
  const peek = await adminCall(base, "GET", "/admin/v1/dlq");
  t.equal(peek.status, 200, "DLQ peek");
  t.ok((peek.body.items as unknown[]).length >= 1, "the dead-lettered copy is shown (and released again)");
  const retry = await adminCall(base, "POST", "/admin/v1/errors/retry", {
    ids: [first],
    operator: "iam",
    reason: "iam test",
  });
  t.equal(retry.status, 200);
  t.same(
    (retry.body.requeued as { id: string }[]).map((r) => r.id),
    [first],
  );
  await s.waitStatus(t, first, "success");
  const other = await failOneBill(t, s, base);
  const resolve = await adminCall(base, "POST", "/admin/v1/errors/resolve", {
    ids: [other],
    operator: "iam",
    reason: "iam test",
  });
  t.equal(resolve.status, 200);
  t.same(resolve.body.resolved, [other]);
});

await t.test("on-call commands, on-call role: DLQ peek, retry, resolve, DLQ redrive", async (t) => {
  const env = oncallEnv(w);
  const ops = (script: string, args: string[]) =>
    run(t, { ...s.as("oncall"), script: `scripts/ops/${script}`, args, env });
  const [retried, resolved, redriven] = [
    await failOneBill(t, s, base),
    await failOneBill(t, s, base),
    await failOneBill(t, s, base),
  ];
  // Only the on-call commands touch the queues while they run: stop the workers, and wait until
  // every copy is visible (the admin peek above held the copies it read for a moment).
  for (const r of s.running.filter((r) => r !== service)) await r.stop();
  await waitFor(
    "the three DLQ copies visible",
    async () => {
      const out = await w.e.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: w.dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      );
      const bodies = (out.Messages ?? []).map((m) => String(m.Body)).join();
      return [retried, resolved, redriven].every((id) => bodies.includes(id));
    },
    45_000,
    1000,
  );
  const peek = await ops("failed-bills.ts", ["dlq", "--json"]);
  t.equal(peek.code, 0, peek.output);
  t.match(peek.output, redriven, "the DLQ lists the failed bills");
  const retry = await ops("failed-bills.ts", ["retry", retried, "--reason", "iam test"]);
  t.equal(retry.code, 0, retry.output);
  const resolve = await ops("failed-bills.ts", ["resolve", resolved, "--reason", "iam test"]);
  t.equal(resolve.code, 0, resolve.output);
  const redrive = await ops("dlq-redrive.ts", ["--execute", "--reason", "iam test"]);
  t.equal(redrive.code, 0, redrive.output);
  t.match(redrive.output, redriven, "redriven");
  s.running.push(launch(root, { ...s.as("worker"), script: "consumer/src/worker.ts", env: quietWorker() }));
  await s.waitStatus(t, retried, "success");
  await s.waitStatus(t, redriven, "success");
});

await t.test("negative control: the ingest role without StorePdf cannot store a PDF", async (t) => {
  const file = `${s.captureFile}.without-store-pdf`;
  const { url } = await startService(t, s, await w.without("ingest", "StorePdf"), file);
  const answer = await postBill(url);
  t.equal(answer.status >= 500, true, `the bill is refused (${answer.status})`);
  const put = readCapture(file).filter((c) => c.command === "PutObjectCommand");
  t.same(
    put.map((c) => c.error?.name),
    ["AccessDenied"],
    "S3 answered AccessDenied to the PutObject",
  );
});

await t.test("negative control: the on-call role without Redrive cannot read the DLQ", async (t) => {
  const file = `${s.captureFile}.without-redrive`;
  const key = await w.without("oncall", "Redrive");
  const r = await run(t, {
    role: "oncall",
    key,
    captureFile: file,
    script: "scripts/ops/dlq-redrive.ts",
    args: ["--execute", "--reason", "x"],
    env: oncallEnv(w),
  });
  t.not(r.code, 0, "dlq-redrive fails");
  const receive = readCapture(file).filter((c) => c.command === "ReceiveMessageCommand");
  t.ok(
    receive.length > 0 && receive.every((c) => c.error?.httpStatusCode === 403),
    "moto refused ReceiveMessage on the DLQ (403)",
  );
  t.match(
    await sqsAnswer(key, "ReceiveMessage", { QueueUrl: w.dlqUrl, VisibilityTimeout: 0 }),
    /^403 .*AccessDenied/s,
    "with AccessDenied",
  );
  t.match(
    await sqsAnswer(w.keys.oncall, "ReceiveMessage", { QueueUrl: w.dlqUrl, VisibilityTimeout: 0 }),
    /^200 /,
    "which the full on-call role is not refused",
  );
});

await t.test("negative control: the worker role without DeadLetters cannot dead-letter a bill", async (t) => {
  // The bug issue 13 found: with DLQ depth/URL only, a spent bill never reached the DLQ.
  for (const r of s.running.filter((r) => r !== service)) await r.stop();
  const file = `${s.captureFile}.without-dead-letters`;
  const key = await w.without("worker", "DeadLetters");
  const worker = launch(root, {
    role: "worker",
    key,
    captureFile: file,
    script: "consumer/src/worker.ts",
    env: quietWorker(),
  });
  s.running.push(worker);
  const toDlq = () =>
    readCapture(file).filter((c) => c.command === "SendMessageCommand" && c.input.QueueUrl === w.dlqUrl);
  await faults(w, { error5xx: { status: 500 } });
  const posted = await postBill(base);
  const id = String(posted.transactionId);
  await s.waitStatus(t, id, "failed", 40_000);
  await waitFor("the dead-letter send", async () => toDlq().length > 0, 10_000, 100);
  await faults(w, {});
  await worker.stop();
  t.ok(
    toDlq().every((c) => c.error?.httpStatusCode === 403),
    "the worker's SendMessage to the DLQ was refused (403)",
  );
  t.match(
    await sqsAnswer(key, "SendMessage", { QueueUrl: w.dlqUrl, MessageBody: "{}" }),
    /^403 .*AccessDenied/s,
    "with AccessDenied",
  );
  t.match(
    await sqsAnswer(w.keys.worker, "SendMessage", { QueueUrl: w.dlqUrl, MessageBody: "{}" }),
    /^200 /,
    "which the full worker role is not refused",
  );
  const inDlq = await w.e.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: w.dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
  );
  t.notOk(
    (inDlq.Messages ?? []).some((m) => String(m.Body).includes(id)),
    "the failed bill is not in the DLQ (its depth alarm would stay quiet)",
  );
});

await t.test(
  "negative control: the worker role without MarkStoredOnce still delivers; the PDF waits for the backstop",
  async (t) => {
    const file = `${s.captureFile}.without-mark-stored-once`;
    const worker = launch(root, {
      role: "worker",
      key: await w.without("worker", "MarkStoredOnce"),
      captureFile: file,
      script: "consumer/src/worker.ts",
      env: quietWorker(),
    });
    s.running.push(worker);
    const posted = await postBill(base);
    const id = String(posted.transactionId);
    await s.waitStatus(t, id, "success");
    const tagging = () => readCapture(file).filter((c) => c.command === "PutObjectTaggingCommand");
    await waitFor("the tag call", async () => tagging().length > 0, 10_000, 100);
    await worker.stop();
    t.ok(
      tagging().every((c) => c.error?.httpStatusCode === 403),
      "the worker's PutObjectTagging was refused (403)",
    );
    t.same(await incomingTags(id), [], "the incoming PDF is untagged: the 400-day backstop keeps it");
    t.match(worker.output(), /could not tag the incoming PDF stored-once/, "logged");
  },
);

await t.test("stop the worker and the service (last metrics flush)", async (t) => {
  for (const r of s.running) await r.stop();
  const captured = readCapture(s.captureFile);
  for (const role of ["ingest", "worker"] as const) {
    const puts = captured.filter((c) => c.role === role && c.command === "PutMetricDataCommand");
    t.ok(puts.length > 0, `${role}: metrics sent`);
    t.ok(
      puts.every((c) => !c.error && c.input.Namespace === NAMES.metricsNamespace),
      `${role}: every PutMetricData accepted, in ${NAMES.metricsNamespace}`,
    );
  }
});

auditRoles(t, s, ["ingest", "worker", "oncall"]);
