/**
 * applyOutcome, the one Outcome -> SQS mapping both entry points use, against the SQS stand-in:
 * what each outcome leaves on the bills queue and the DLQ.
 */
import { randomUUID } from "node:crypto";
import { type Message, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import t from "tap";
import { setupTestEnv } from "../../lib/testing/harness.ts";
import { applyOutcome } from "../src/sqs-actions.ts";
import type { InboundMessage, Outcome } from "../src/types.ts";
import { waitFor } from "./helper.ts";

const e = await setupTestEnv(t);
const queues = { QUEUE_URL: e.queueUrl, DLQ_URL: e.dlqUrl };

function inbound(body = JSON.stringify({ version: 1, transactionId: randomUUID() })): InboundMessage {
  return { messageId: randomUUID(), body, receiptHandle: "handle", receiveCount: 3 };
}

async function receive(url: string, waitS = 0): Promise<Message[]> {
  const out = await e.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: waitS,
      VisibilityTimeout: 30,
      MessageAttributeNames: ["All"],
      MessageSystemAttributeNames: ["ApproximateReceiveCount"],
    }),
  );
  return out.Messages ?? [];
}

const transactionIdOf = (m: InboundMessage) => (JSON.parse(m.body) as { transactionId: string }).transactionId;

t.test("ack sends nothing anywhere (the caller deletes the original)", async (t) => {
  await applyOutcome(e.sqs, queues, inbound(), { action: "ack", result: "delivered" });
  t.same(await receive(e.queueUrl, 1), []);
  t.same(await receive(e.dlqUrl), []);
});

for (const action of ["retry", "defer"] as const) {
  t.test(`${action} sends a fresh copy that stays hidden for its delay`, async (t) => {
    const m = inbound();
    const outcome: Outcome = { action, delaySeconds: 2, reason: "because" };
    const sentAt = Date.now();
    await applyOutcome(e.sqs, queues, m, outcome);
    t.same(await receive(e.queueUrl), [], "not visible before its delay");
    const [copy] = await waitFor("the delayed copy", async () => {
      const got = await receive(e.queueUrl, 1);
      return got.length > 0 && got;
    });
    t.ok(Date.now() - sentAt >= 1_500, "visible only after about delaySeconds");
    t.equal(copy?.Body, m.body, "same body");
    t.equal(copy?.Attributes?.ApproximateReceiveCount, "1", "a fresh receive count");
    t.equal(copy?.MessageAttributes?.transactionId?.StringValue, transactionIdOf(m), "tagged with the transaction");
    t.same(await receive(e.dlqUrl), [], "nothing dead-lettered");
  });
}

t.test("deadletter copies the message to the DLQ with its reason", async (t) => {
  const m = inbound();
  await applyOutcome(e.sqs, queues, m, { action: "deadletter", reason: "gave up after 5 attempts: HTTP 503" });
  const [copy] = await receive(e.dlqUrl, 1);
  t.equal(copy?.Body, m.body);
  t.equal(copy?.MessageAttributes?.failureReason?.StringValue, "gave up after 5 attempts: HTTP 503");
  t.equal(copy?.MessageAttributes?.transactionId?.StringValue, transactionIdOf(m));
  t.same(await receive(e.queueUrl), [], "nothing back on the bills queue");
});

t.test("an unreadable body is dead-lettered as it is, without a transaction id", async (t) => {
  const m = inbound("{nope");
  await applyOutcome(e.sqs, queues, m, { action: "deadletter", reason: "" });
  const [copy] = await receive(e.dlqUrl, 1);
  t.equal(copy?.Body, "{nope");
  t.equal(copy?.MessageAttributes?.failureReason?.StringValue, "unknown", "an empty reason is recorded as unknown");
  t.notOk(copy?.MessageAttributes?.transactionId);
});

t.test("a failed send throws, so the caller keeps the original for SQS to deliver again", async (t) => {
  const gone = { QUEUE_URL: `${e.queueUrl}-missing`, DLQ_URL: `${e.dlqUrl}-missing` };
  await t.rejects(applyOutcome(e.sqs, gone, inbound(), { action: "defer", delaySeconds: 1, reason: "locked" }));
  await t.rejects(applyOutcome(e.sqs, gone, inbound(), { action: "deadletter", reason: "x" }));
});
