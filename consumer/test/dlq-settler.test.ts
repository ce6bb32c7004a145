/**
 * The DLQ settler settles bills SQS dead-lettered on receives no worker settled (chaos run
 * a8c39bed: rows left pending with their message in the DLQ): redrive a bounded number of times,
 * then fail the row with the reason; stale copies of delivered bills are cleared; failed rows' messages stay.
 */
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import t from "tap";
import { sql } from "../../lib/db.ts";
import { peekDlq } from "../../lib/dlq.ts";
import { createLogger } from "../../lib/logger.ts";
import { billMessageFor } from "../../lib/queue.ts";
import { createRedis } from "../../lib/redis.ts";
import { findTransaction } from "../../lib/transactions.ts";
import { AUTO_REDRIVES_ATTRIBUTE, settleDeadLetters } from "../src/dlq-settler.ts";
import { type ConsumerTestEnv, FAST, queueDepth, seedBill, setupConsumerEnv } from "./helper.ts";

/** Puts a transaction's message on the DLQ, as SQS's redrive policy would, with its auto-redrive count. */
async function deadLetter(e: ConsumerTestEnv, transactionId: string, redrives?: number): Promise<void> {
  const row = await findTransaction(e.db, transactionId);
  if (!row) throw new Error("no row");
  await e.sqs.send(
    new SendMessageCommand({
      QueueUrl: e.dlqUrl,
      MessageBody: JSON.stringify(billMessageFor(row)),
      MessageAttributes:
        redrives === undefined
          ? {}
          : { [AUTO_REDRIVES_ATTRIBUTE]: { DataType: "Number", StringValue: String(redrives) } },
    }),
  );
}

t.test("dead-lettered bills are redriven, then failed with the reason; stale copies cleared", async (t) => {
  const e = await setupConsumerEnv(t, { env: FAST });
  const redis = createRedis({ REDIS_URL: e.env.REDIS_URL as string, REDIS_KEY_PREFIX: e.env.REDIS_KEY_PREFIX });
  t.teardown(() => redis.quit());
  const deps = {
    db: e.db,
    redis,
    sqs: e.sqs,
    log: createLogger({ LOG_LEVEL: "silent", ENVIRONMENT: "test" }, "test"),
    queueUrl: e.queueUrl,
    dlqUrl: e.dlqUrl,
    maxAutoRedrives: 2,
    intervalMs: 1000,
  };
  const pending = await seedBill(e, { send: false });
  const exhausted = await seedBill(e, { send: false });
  const delivered = await seedBill(e, { send: false });
  const failed = await seedBill(e, { send: false });
  await e.db.query(sql.unsafe`UPDATE transactions SET status = 'success' WHERE id = ${delivered.transactionId}`);
  await e.db.query(
    sql.unsafe`UPDATE transactions SET status = 'failed', error_message = 'unknown vendor' WHERE id = ${failed.transactionId}`,
  );
  await deadLetter(e, pending.transactionId);
  await deadLetter(e, exhausted.transactionId, 2);
  await deadLetter(e, delivered.transactionId);
  await deadLetter(e, failed.transactionId);

  const result = await settleDeadLetters(deps);
  t.same(result, { redriven: 1, failed: 1, cleared: 1, left: 1 });
  t.equal(await settleDeadLetters(deps), null, "one worker per interval: the lock is held");

  const back = await e.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: e.queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }),
  );
  t.equal(back.Messages?.length, 1, "only the unsettled bill went back to the queue");
  t.match(JSON.parse(back.Messages?.[0]?.Body ?? "{}"), { transactionId: pending.transactionId });
  t.equal(back.Messages?.[0]?.MessageAttributes?.[AUTO_REDRIVES_ATTRIBUTE]?.StringValue, "1", "redrive counted");
  t.equal((await findTransaction(e.db, pending.transactionId))?.enqueue_attempts, 1, "enqueue recorded on the row");

  const gaveUp = await findTransaction(e.db, exhausted.transactionId);
  t.equal(gaveUp?.status, "failed", "after the allowed redrives the row is failed, visibly");
  t.match(gaveUp?.error_message, /dead-lettered 3 times/);
  t.equal(
    (await findTransaction(e.db, failed.transactionId))?.error_message,
    "unknown vendor",
    "failed rows untouched",
  );

  // Left in the DLQ for on-call: the exhausted bill and the failed one, visible at once (not hidden by the round).
  t.equal(await queueDepth(e, e.dlqUrl), 2, "the delivered bill's stale copy was deleted; two remain for dlq-redrive");
  const seen = await peekDlq(e.sqs, e.dlqUrl, 10);
  t.equal(seen.length, 2, "on-call's DLQ listing sees both right after a settler round");
});
