/**
 * The one DLQ receive loop on the SQS stand-in: each verdict (delete, release, hide) lands where
 * it says, `max` bounds a round, a failing `decide` still deletes what was decided and releases
 * what was held, and a redriven message carries its bill and attributes to the bills queue.
 */
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import t, { type Test } from "tap";
import type { BillMessage } from "../bill.ts";
import { type DlqVerdict, eachDlqMessage, redriveMessage } from "../dlq.ts";
import { queueDepth } from "../queue.ts";
import { setupTestEnv } from "../testing/harness.ts";

const env = await setupTestEnv(t);
let queues = 0;

/** A queue of its own per test, so one test's hidden messages cannot touch another's counts. */
async function freshQueue(t: Test, sqs: SQSClient): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: `${env.id}-dlq-loop-${++queues}` }));
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

async function put(url: string, body: string): Promise<void> {
  await env.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
}

t.test("each verdict lands where it says; unreadable bodies still reach decide", async (t) => {
  const dlq = await freshQueue(t, env.sqs);
  for (const n of [1, 2, 3]) await put(dlq, JSON.stringify(bill(n)));
  await put(dlq, "not json");
  const verdicts: Record<string, DlqVerdict> = { "NS-1": "delete", "NS-2": "release", "NS-3": "hide" };
  const seen: (string | null)[] = [];
  const result = await eachDlqMessage(env.sqs, dlq, { max: 100 }, (m) => {
    seen.push(m.entry.netsuiteBillId);
    return verdicts[m.entry.netsuiteBillId ?? ""] ?? "release";
  });
  t.same(result, { seen: 4, deleted: 1 });
  t.same([...seen].sort(), ["NS-1", "NS-2", "NS-3", null], "the unreadable one arrives with no bill");
  const depth = await queueDepth(env.sqs, dlq);
  t.same([depth.visible, depth.inFlight], [2, 1], "released and unreadable visible again; the hidden one hidden");
});

t.test("max bounds a round", async (t) => {
  const dlq = await freshQueue(t, env.sqs);
  for (let n = 0; n < 12; n++) await put(dlq, JSON.stringify(bill(n)));
  const result = await eachDlqMessage(env.sqs, dlq, { max: 5 }, () => "release");
  t.equal(result.seen, 5);
  t.equal((await queueDepth(env.sqs, dlq)).total, 12, "nothing consumed");
});

t.test("a failing decide still deletes what was decided and releases what was held", async (t) => {
  const dlq = await freshQueue(t, env.sqs);
  for (const n of [1, 2, 3]) await put(dlq, JSON.stringify(bill(n)));
  const plan: DlqVerdict[] = ["release", "delete"];
  await t.rejects(
    eachDlqMessage(env.sqs, dlq, { max: 100 }, () => {
      const verdict = plan.shift();
      if (!verdict) throw new Error("database down");
      return verdict;
    }),
    /database down/,
  );
  const depth = await queueDepth(env.sqs, dlq);
  t.same([depth.visible, depth.inFlight], [1, 1], "one deleted, one released, the failing one left hidden");
});

t.test("redriveMessage sends the bill with its transactionId and extra attributes", async (t) => {
  const queue = await freshQueue(t, env.sqs);
  const id = await redriveMessage(env.sqs, queue, bill(7), { autoRedrives: { DataType: "Number", StringValue: "1" } });
  t.ok(id);
  const out = await env.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queue, MessageAttributeNames: ["All"], WaitTimeSeconds: 1 }),
  );
  const m = out.Messages?.[0];
  t.same(JSON.parse(m?.Body ?? "{}"), bill(7));
  t.equal(m?.MessageAttributes?.transactionId?.StringValue, bill(7).transactionId);
  t.equal(m?.MessageAttributes?.autoRedrives?.StringValue, "1");
});
