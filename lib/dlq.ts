/**
 * The DLQ, read and trimmed without consuming it: peek at its messages, delete the copies of
 * transactions an operator already retried or resolved.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { readBillMessage } from "./bill.ts";

export interface DlqEntry {
  readonly messageId: string;
  readonly transactionId: string | null;
  readonly netsuiteBillId: string | null;
  readonly receiveCount: number;
  readonly sentAt: number | null;
}

interface Scanned {
  readonly entry: DlqEntry;
  readonly receiptHandle: string;
}

/**
 * Reads up to `max` DLQ messages without consuming them: each is hidden for `holdS` while the
 * scan runs and released (visibility 0) at the end, except those `remove` picks, which are deleted.
 */
async function scanDlq(
  sqs: SQSClient,
  dlqUrl: string,
  opts: { max: number; holdS?: number; remove?: (e: DlqEntry) => boolean },
): Promise<{ entries: DlqEntry[]; removed: number }> {
  const seen: Scanned[] = [];
  let empty = 0;
  while (seen.length < opts.max && empty < 1) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: Math.min(10, opts.max - seen.length),
        VisibilityTimeout: opts.holdS ?? 30,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
        MessageAttributeNames: ["transactionId"],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) {
      empty++;
      continue;
    }
    for (const m of messages) {
      if (!m.MessageId || !m.ReceiptHandle) continue;
      const body = readBillMessage(m.Body);
      const sent = m.Attributes?.SentTimestamp;
      seen.push({
        receiptHandle: m.ReceiptHandle,
        entry: {
          messageId: m.MessageId,
          transactionId: body?.transactionId ?? m.MessageAttributes?.transactionId?.StringValue ?? null,
          netsuiteBillId: body?.netsuiteBillId ?? null,
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
          sentAt: sent ? Number(sent) : null,
        },
      });
    }
  }
  const doomed = opts.remove ? seen.filter((s) => opts.remove?.(s.entry)) : [];
  const released = seen.filter((s) => !doomed.includes(s));
  for (let i = 0; i < doomed.length; i += 10) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: doomed.slice(i, i + 10).map((s, n) => ({ Id: String(n), ReceiptHandle: s.receiptHandle })),
      }),
    );
  }
  for (let i = 0; i < released.length; i += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: dlqUrl,
        Entries: released
          .slice(i, i + 10)
          .map((s, n) => ({ Id: String(n), ReceiptHandle: s.receiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }
  return { entries: released.map((s) => s.entry), removed: doomed.length };
}

/** The DLQ's messages (up to `max`), left in place: what `failed-bills dlq` and GET /admin/v1/dlq show. */
export async function peekDlq(sqs: SQSClient, dlqUrl: string, max = 100): Promise<DlqEntry[]> {
  return (await scanDlq(sqs, dlqUrl, { max })).entries;
}

/** Deletes the DLQ copies of messages for these transactions (they were re-sent to the main queue). */
export async function removeFromDlq(
  sqs: SQSClient,
  dlqUrl: string,
  transactionIds: ReadonlySet<string>,
  maxScan = 1000,
): Promise<number> {
  const { removed } = await scanDlq(sqs, dlqUrl, {
    max: maxScan,
    remove: (e) => e.transactionId !== null && transactionIds.has(e.transactionId),
  });
  return removed;
}
