/**
 * Settles what SQS dead-lettered behind the worker's back. The worker tracks real attempts in the
 * row and dead-letters only after marking it failed; a message can still reach the DLQ by SQS's
 * redrive when receives end without any settlement (a worker SIGKILLed, PostgreSQL down). Such a
 * bill's row is pending or processing, so nothing would deliver it and nothing would say it failed.
 * One worker per interval (a Redis lock) reads the DLQ and, per message:
 * - row success: the copy is stale (delivered since); delete it;
 * - row failed (or unknown, unreadable): leave it for on-call (runbooks/dlq-growing.md);
 * - row pending/processing: send it back to the queue, at most WORKER_DLQ_AUTO_REDRIVES times (counted
 *   in a message attribute, which SQS keeps through its redrive); after that, fail the row with the
 *   reason and leave the message for replay. A poison message therefore cannot loop.
 */
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Redis } from "ioredis";
import type { DatabasePool } from "slonik";
import { readBillMessage } from "../../lib/bill.ts";
import type { Logger } from "../../lib/logger.ts";
import { findTransaction, markDeliveryFailed, markEnqueued } from "../../lib/transactions.ts";

export const AUTO_REDRIVES_ATTRIBUTE = "autoRedrives";

export interface DlqReconcilerDeps {
  readonly db: DatabasePool;
  readonly redis: Redis;
  readonly sqs: SQSClient;
  readonly log: Logger;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly maxAutoRedrives: number;
  /** Lock lifetime and the pause between rounds. */
  readonly intervalMs: number;
}

export interface ReconcileResult {
  redriven: number;
  failed: number;
  cleared: number;
  left: number;
}

/** One round; returns null when another worker holds this interval's lock. */
export async function reconcileDeadLetters(d: DlqReconcilerDeps, maxBatches = 10): Promise<ReconcileResult | null> {
  const elected = await d.redis.set("dlq-reconciler", String(process.pid), "PX", d.intervalMs, "NX");
  if (elected !== "OK") return null;
  const result: ReconcileResult = { redriven: 0, failed: 0, cleared: 0, left: 0 };
  for (let batch = 0; batch < maxBatches; batch++) {
    const out = await d.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: d.dlqUrl,
        MaxNumberOfMessages: 10,
        // Long enough for this round; what is left becomes visible again for on-call and replay.
        VisibilityTimeout: 30,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const m of messages) await settle(d, m, result);
  }
  if (result.redriven + result.failed + result.cleared > 0)
    d.log.warn({ ...result }, "reconciled the dead-letter queue");
  return result;
}

async function settle(d: DlqReconcilerDeps, m: Message, result: ReconcileResult): Promise<void> {
  const message = readBillMessage(m.Body);
  const row = message ? await findTransaction(d.db, message.transactionId) : null;
  if (!row || row.status === "failed") {
    result.left++;
    return;
  }
  const log = d.log.child({ transactionId: row.id, netsuiteBillId: row.netsuite_bill_id });
  const remove = () => d.sqs.send(new DeleteMessageCommand({ QueueUrl: d.dlqUrl, ReceiptHandle: m.ReceiptHandle }));
  if (row.status === "success") {
    await remove();
    result.cleared++;
    return;
  }
  const redrives = Number(m.MessageAttributes?.[AUTO_REDRIVES_ATTRIBUTE]?.StringValue ?? "0") || 0;
  if (redrives >= d.maxAutoRedrives) {
    const reason =
      `dead-lettered ${redrives + 1} times while ${row.status} (workers crashed or lost the database on every ` +
      "receive); replay with scripts/ops/dlq-replay.ts once the cause is fixed";
    await markDeliveryFailed(d.db, row.id, reason);
    log.error({ redrives }, "bill failed: dead-lettered repeatedly");
    result.failed++;
    return;
  }
  await d.sqs.send(
    new SendMessageCommand({
      QueueUrl: d.queueUrl,
      MessageBody: m.Body,
      MessageAttributes: {
        transactionId: { DataType: "String", StringValue: row.id },
        [AUTO_REDRIVES_ATTRIBUTE]: { DataType: "Number", StringValue: String(redrives + 1) },
      },
    }),
  );
  await markEnqueued(d.db, row.id);
  await remove();
  log.warn({ status: row.status, redrives: redrives + 1 }, "dead-lettered while unsettled; sent back to the queue");
  result.redriven++;
}
