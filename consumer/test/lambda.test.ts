import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import t from "tap";
import { findTransaction } from "../../lib/transactions.ts";
import { processEvent, type SqsEvent } from "../src/lambda.ts";
import { queueDepth, seedBill, setFaults, setupConsumerEnv, simAttachments, testDeps, waitFor } from "./helper.ts";

const e = await setupConsumerEnv(t, { env: { ZOHO_BREAKER_THRESHOLD: "100" } });
const deps = await testDeps(t, e);

async function event(n: number): Promise<SqsEvent> {
  const out = await e.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: e.queueUrl,
      MaxNumberOfMessages: n,
      WaitTimeSeconds: 2,
      VisibilityTimeout: 30,
      MessageSystemAttributeNames: ["ApproximateReceiveCount"],
    }),
  );
  return {
    Records: (out.Messages ?? []).map((m) => ({
      messageId: m.MessageId ?? "",
      receiptHandle: m.ReceiptHandle ?? "",
      body: m.Body ?? "",
      attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount },
    })),
  };
}

t.test("a batch with one transient failure reports just that record; the rest are delivered", async (t) => {
  const bills = [await seedBill(e), await seedBill(e)];
  const batch = await waitFor("both messages", async () => {
    const ev = await event(2);
    return ev.Records.length === 2 && ev;
  });
  await setFaults(e, { error5xx: { status: 500, path: "/books/v3/bills", count: 1 } });
  const res = await processEvent(batch, deps);
  t.equal(res.batchItemFailures.length, 1, "one record reported as failed");
  const failedRecord = batch.Records.find((r) => r.messageId === res.batchItemFailures[0]?.itemIdentifier)!;
  const failedId = JSON.parse(failedRecord.body).transactionId as string;
  const okId = bills.map((b) => b.transactionId).find((id) => id !== failedId)!;
  t.equal((await findTransaction(e.db, okId))?.status, "success", "the other record was delivered");
  t.equal((await findTransaction(e.db, failedId))?.retry_count, 1, "the failure counted one attempt");

  const retry = await waitFor(
    "retried message visible again after its backoff",
    async () => {
      const ev = await event(1);
      return ev.Records.length === 1 && ev;
    },
    15_000,
    300,
  );
  t.same((await processEvent(retry, deps)).batchItemFailures, [], "delivered on the retry");
  for (const b of bills) {
    t.equal((await findTransaction(e.db, b.transactionId))?.status, "success");
    t.equal(simAttachments(e).filter((a) => a.sha256 === b.sha256).length, 1, "exactly once");
  }
});

t.test("an unreadable record goes to the DLQ and is not reported (so Lambda deletes it)", async (t) => {
  const res = await processEvent(
    { Records: [{ messageId: "bad-1", receiptHandle: "r", body: "not json", attributes: {} }] },
    deps,
  );
  t.same(res.batchItemFailures, []);
  t.equal(await queueDepth(e, e.dlqUrl), 1);
});
