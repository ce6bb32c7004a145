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

t.test(
  "a batch with one transient failure: that bill comes back as a delayed copy; the rest are delivered",
  async (t) => {
    const bills = [await seedBill(e), await seedBill(e)];
    const batch = await waitFor("both messages", async () => {
      const ev = await event(2);
      return ev.Records.length === 2 && ev;
    });
    await setFaults(e, { error5xx: { status: 500, path: "/books/v3/bills", count: 1 } });
    const res = await processEvent(batch, deps);
    // The retry is a fresh copy with DelaySeconds (its receive count starts again), so the original is
    // a success for Lambda to delete, not a batch item failure left to SQS's redrive.
    t.same(res.batchItemFailures, [], "no record left to the redrive policy");
    const rows = await Promise.all(bills.map((b) => findTransaction(e.db, b.transactionId)));
    const failedId = rows.find((r) => r?.retry_count === 1)?.id as string;
    const okId = bills.map((b) => b.transactionId).find((id) => id !== failedId)!;
    t.ok(failedId, "the failure counted one attempt on its row");
    t.equal((await findTransaction(e.db, okId))?.status, "success", "the other record was delivered");

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
  },
);

t.test("an unreadable record goes to the DLQ and is not reported (so Lambda deletes it)", async (t) => {
  const res = await processEvent(
    { Records: [{ messageId: "bad-1", receiptHandle: "r", body: "not json", attributes: {} }] },
    deps,
  );
  t.same(res.batchItemFailures, []);
  t.equal(await queueDepth(e, e.dlqUrl), 1);
});
