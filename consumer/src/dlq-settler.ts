/**
 * The DLQ settler: settles what SQS dead-lettered behind the worker's back. The worker tracks
 * real attempts in the row and dead-letters only after marking it failed; a message can still
 * reach the DLQ by SQS's redrive policy when receives end without any settlement (a worker
 * SIGKILLed, PostgreSQL down). Such a bill's row is pending or processing, so nothing would
 * deliver it and nothing would say it failed. One worker per interval (a Redis lock) reads the
 * DLQ (lib/dlq.ts) and, per message:
 * - row success: the copy is stale (delivered since); delete it;
 * - row failed (or unknown, unreadable): leave it for on-call (runbooks/dlq-growing.md);
 * - row pending/processing: redrive it to the queue, at most WORKER_DLQ_AUTO_REDRIVES times (counted
 *   in a message attribute, which SQS keeps through its redrive); after that, fail the row with the
 *   reason and leave the message for `dlq-redrive`. A poison message therefore cannot loop.
 * Messages left are kept hidden for the round's 30 s, so the round does not read them twice.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Redis } from "ioredis";
import type { DatabasePool } from "slonik";
import { type DlqMessage, type DlqVerdict, eachDlqMessage, redriveMessage } from "../../lib/dlq.ts";
import type { Logger } from "../../lib/logger.ts";
import { findTransaction, markDeliveryFailed, markEnqueued } from "../../lib/transactions.ts";

export const AUTO_REDRIVES_ATTRIBUTE = "autoRedrives";

export interface DlqSettlerDeps {
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

export interface SettleResult {
  redriven: number;
  failed: number;
  cleared: number;
  left: number;
}

/** One round over at most `maxMessages`; returns null when another worker holds this interval's lock. */
export async function settleDeadLetters(d: DlqSettlerDeps, maxMessages = 100): Promise<SettleResult | null> {
  const elected = await d.redis.set("dlq-settler", String(process.pid), "PX", d.intervalMs, "NX");
  if (elected !== "OK") return null;
  const result: SettleResult = { redriven: 0, failed: 0, cleared: 0, left: 0 };
  // Held 30 s during the round; what is left is released at its end, so on-call sees it at once.
  await eachDlqMessage(d.sqs, d.dlqUrl, { max: maxMessages, holdS: 30, waitS: 0 }, (m) => settle(d, m, result));
  if (result.redriven + result.failed + result.cleared > 0) d.log.warn({ ...result }, "settled the dead-letter queue");
  return result;
}

async function settle(d: DlqSettlerDeps, m: DlqMessage, result: SettleResult): Promise<DlqVerdict> {
  const row = m.bill ? await findTransaction(d.db, m.bill.transactionId) : null;
  if (!m.bill || !row || row.status === "failed") {
    result.left++;
    return "release";
  }
  if (row.status === "success") {
    result.cleared++;
    return "delete";
  }
  const log = d.log.child({ transactionId: row.id, netsuiteBillId: row.netsuite_bill_id });
  const redrives = Number(m.attributes[AUTO_REDRIVES_ATTRIBUTE]?.StringValue ?? "0") || 0;
  if (redrives >= d.maxAutoRedrives) {
    const reason =
      `dead-lettered ${redrives + 1} times while ${row.status} (workers crashed or lost the database on every ` +
      "receive); redrive with `bill-mw-ops dlq-redrive` once the cause is fixed";
    await markDeliveryFailed(d.db, row.id, reason);
    log.error({ redrives }, "bill failed: dead-lettered repeatedly");
    result.failed++;
    return "release";
  }
  await redriveMessage(d.sqs, d.queueUrl, m.bill, {
    [AUTO_REDRIVES_ATTRIBUTE]: { DataType: "Number", StringValue: String(redrives + 1) },
  });
  await markEnqueued(d.db, row.id);
  log.warn({ status: row.status, redrives: redrives + 1 }, "dead-lettered while unsettled; sent back to the queue");
  result.redriven++;
  return "delete";
}
