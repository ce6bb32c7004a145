/**
 * BillMessageBatcher on the SQS stand-in: sends within the linger go out as one SendMessageBatch
 * (counted on the client) and arrive with their attributes; more than 10 split into batches of 10;
 * afterSend runs once per batch before the sends resolve, and its failure rejects them; a queue
 * that does not exist rejects every send of the batch; a bad linger fails at construction.
 */
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import t, { type Test } from "tap";
import type { BillMessage } from "../bill.ts";
import { BillMessageBatcher, queueDepth } from "../queue.ts";
import { setupTestEnv } from "../testing/harness.ts";

const env = await setupTestEnv(t);
let queues = 0;

async function freshQueue(t: Test, sqs: SQSClient): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: `${env.id}-batch-${++queues}` }));
  const url = out.QueueUrl ?? "";
  t.teardown(() => sqs.send(new DeleteQueueCommand({ QueueUrl: url })));
  return url;
}

const bill = (n: number): BillMessage => ({
  version: 1,
  transactionId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  netsuiteBillId: `NS-${n}`,
  bucket: "bucket",
  key: `bills/${n}.pdf`,
  sha256: "0".repeat(64),
});

/** Counts the SendMessageBatch requests the client's HTTP handler sends, and their entries (no stub). */
function countBatches(t: Test, sqs: SQSClient): { readonly calls: number[] } {
  const seen = { calls: [] as number[] };
  type Handle = (request: { headers: Record<string, string>; body?: unknown }) => Promise<unknown>;
  const handler = sqs.config.requestHandler as unknown as { handle: Handle };
  const real = handler.handle;
  t.teardown(() => {
    handler.handle = real;
  });
  handler.handle = function (this: unknown, request) {
    if (request.headers["x-amz-target"] === "AmazonSQS.SendMessageBatch") {
      seen.calls.push((JSON.parse(String(request.body)) as { Entries: unknown[] }).Entries.length);
    }
    return real.call(this, request);
  };
  return seen;
}

t.test("sends within the linger go out as one batch and arrive with their attributes", async (t) => {
  const url = await freshQueue(t, env.sqs);
  const seen = countBatches(t, env.sqs);
  const stamped: string[][] = [];
  const batcher = new BillMessageBatcher({
    sqs: env.sqs,
    queueUrl: url,
    lingerMs: 10,
    afterSend: async (sent) => {
      stamped.push(sent.map((m) => m.transactionId));
    },
  });
  const ids = await Promise.all([1, 2, 3].map((n) => batcher.send(bill(n))));
  t.same(seen.calls, [3], "one SendMessageBatch with three entries");
  t.equal(new Set(ids).size, 3, "each send got its own message id");
  t.same(stamped, [[1, 2, 3].map((n) => bill(n).transactionId)], "afterSend ran once, for the whole batch");
  const got = await env.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }),
  );
  const bodies = (got.Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}") as BillMessage);
  t.same(bodies.map((b) => b.netsuiteBillId).sort(), ["NS-1", "NS-2", "NS-3"], "the three bills are on the queue");
  t.same(
    (got.Messages ?? []).map((m) => m.MessageAttributes?.transactionId?.StringValue).sort(),
    [1, 2, 3].map((n) => bill(n).transactionId),
    "each carries its transactionId attribute",
  );
});

t.test("more than 10 at once split into batches of at most 10", async (t) => {
  const url = await freshQueue(t, env.sqs);
  const seen = countBatches(t, env.sqs);
  const batcher = new BillMessageBatcher({ sqs: env.sqs, queueUrl: url, lingerMs: 5 });
  await Promise.all(Array.from({ length: 23 }, (_, i) => batcher.send(bill(100 + i))));
  t.same(
    [...seen.calls].sort((a, b) => b - a),
    [10, 10, 3],
    "23 messages in three batches",
  );
  t.equal((await queueDepth(env.sqs, url)).total, 23, "all 23 on the queue");
});

t.test("a failing afterSend rejects the sends of its batch", async (t) => {
  const url = await freshQueue(t, env.sqs);
  const batcher = new BillMessageBatcher({
    sqs: env.sqs,
    queueUrl: url,
    lingerMs: 1,
    afterSend: async () => {
      throw new Error("database down");
    },
  });
  await t.rejects(batcher.send(bill(7)), /database down/);
});

t.test("a queue that does not exist rejects every send of the batch", async (t) => {
  const batcher = new BillMessageBatcher({
    sqs: env.sqs,
    queueUrl: `${env.queueUrl}-missing`,
    lingerMs: 1,
    afterSend: async () => {
      t.fail("afterSend must not run when nothing was sent");
    },
  });
  const results = await Promise.allSettled([batcher.send(bill(8)), batcher.send(bill(9))]);
  t.same(
    results.map((r) => r.status),
    ["rejected", "rejected"],
  );
});

t.test("linger outside 0..10 ms fails at construction", async (t) => {
  t.throws(() => new BillMessageBatcher({ sqs: env.sqs, queueUrl: env.queueUrl, lingerMs: 11 }), RangeError);
  t.throws(() => new BillMessageBatcher({ sqs: env.sqs, queueUrl: env.queueUrl, lingerMs: -1 }), RangeError);
});

t.test("the batch is reported to onCommand, and a missing queue fails with the SDK's error name", async (t) => {
  const { onCommand, observeCommands } = await import("../aws.ts");
  const { SQSClient: Client } = await import("@aws-sdk/client-sqs");
  const sqs = observeCommands(new Client({ region: env.env.AWS_REGION ?? "us-east-1" }));
  t.teardown(() => sqs.destroy());
  const seen: { command: string; input: Record<string, unknown>; error?: { name: string } }[] = [];
  const listen = (s: (typeof seen)[number]) => void seen.push(s);
  onCommand.push(listen);
  t.teardown(() => void onCommand.splice(onCommand.indexOf(listen), 1));
  const url = await freshQueue(t, env.sqs);
  await new BillMessageBatcher({ sqs, queueUrl: url, lingerMs: 0 }).send(bill(20));
  const missing = new BillMessageBatcher({ sqs, queueUrl: `${url}-missing`, lingerMs: 0 });
  const err = (await missing.send(bill(21)).catch((e: unknown) => e)) as { name?: string; $fault?: string };
  t.match(err, { name: /QueueDoesNotExist|NonExistentQueue/, $fault: "client" });
  t.match(seen, [
    { command: "SendMessageBatchCommand", input: { QueueUrl: url }, error: undefined },
    { command: "SendMessageBatchCommand", input: { QueueUrl: `${url}-missing` }, error: { name: err.name } },
  ]);
});
