/**
 * The DLQ, read in one place. `eachDlqMessage` is the one receive loop: the worker's DLQ settler,
 * the on-call `dlq-redrive`, and the admin API / `failed-bills dlq` (peek, and removing copies
 * of bills an operator retried or resolved) all go through it. Each message is hidden while the
 * loop holds it, so a round never reads the same message twice; the caller decides its fate.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { type BillMessage, readBillMessage } from "./bill.ts";
import { sendBillMessage } from "./queue.ts";

export interface DlqEntry {
  readonly messageId: string;
  readonly transactionId: string | null;
  readonly netsuiteBillId: string | null;
  readonly receiveCount: number;
  readonly sentAt: number | null;
}

/** One received DLQ message: what it says, and what SQS and the worker attached to it. */
export interface DlqMessage {
  readonly entry: DlqEntry;
  /** The body as a bill message, or null when unreadable. */
  readonly bill: BillMessage | null;
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly receiptHandle: string;
}

/**
 * A message's fate: `delete` it from the DLQ, `release` it (visible again when the loop ends),
 * or `hide` it (left hidden until `holdS` passes, so the next round does not pick it up at once).
 */
export type DlqVerdict = "delete" | "release" | "hide";

export interface DlqLoopOptions {
  /** Messages to look at, at most. */
  readonly max: number;
  /** Seconds each received message stays hidden while the loop holds it. @default 30 */
  readonly holdS?: number;
  /** Long-poll seconds per receive; the loop ends at the first empty receive. @default 1 */
  readonly waitS?: number;
}

export interface DlqLoopResult {
  readonly seen: number;
  readonly deleted: number;
}

/**
 * The one DLQ receive loop. Deletes are sent after each receive batch (and on the way out if
 * `decide` throws); releases at the end. A crash between a redrive and its delete leaves a
 * duplicate message, which the worker's exactly-once checks absorb.
 */
export async function eachDlqMessage(
  sqs: SQSClient,
  dlqUrl: string,
  opts: DlqLoopOptions,
  decide: (message: DlqMessage) => DlqVerdict | Promise<DlqVerdict>,
): Promise<DlqLoopResult> {
  const released: string[] = [];
  const doomed: string[] = [];
  let seen = 0;
  let deleted = 0;
  try {
    while (seen < opts.max) {
      const messages = await receive(sqs, dlqUrl, Math.min(10, opts.max - seen), opts);
      if (messages.length === 0) break;
      for (const message of messages) {
        seen++;
        const verdict = await decide(message);
        if (verdict === "delete") doomed.push(message.receiptHandle);
        else if (verdict === "release") released.push(message.receiptHandle);
      }
      deleted += await deleteBatch(sqs, dlqUrl, doomed.splice(0));
    }
  } finally {
    deleted += await deleteBatch(sqs, dlqUrl, doomed.splice(0));
    await release(sqs, dlqUrl, released);
  }
  return { seen, deleted };
}

async function receive(sqs: SQSClient, dlqUrl: string, count: number, opts: DlqLoopOptions): Promise<DlqMessage[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: dlqUrl,
      MaxNumberOfMessages: count,
      VisibilityTimeout: opts.holdS ?? 30,
      WaitTimeSeconds: opts.waitS ?? 1,
      MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
      MessageAttributeNames: ["All"],
    }),
  );
  return (out.Messages ?? []).flatMap((m) => (m.MessageId && m.ReceiptHandle ? [readDlqMessage(m)] : []));
}

function readDlqMessage(m: Message): DlqMessage {
  const bill = readBillMessage(m.Body);
  const attributes = m.MessageAttributes ?? {};
  const sent = m.Attributes?.SentTimestamp;
  return {
    bill,
    attributes,
    receiptHandle: m.ReceiptHandle ?? "",
    entry: {
      messageId: m.MessageId ?? "",
      transactionId: bill?.transactionId ?? attributes.transactionId?.StringValue ?? null,
      netsuiteBillId: bill?.netsuiteBillId ?? null,
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
      sentAt: sent ? Number(sent) : null,
    },
  };
}

async function deleteBatch(sqs: SQSClient, dlqUrl: string, handles: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < handles.length; i += 10) {
    const out = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: handles.slice(i, i + 10).map((h, n) => ({ Id: String(n), ReceiptHandle: h })),
      }),
    );
    deleted += out.Successful?.length ?? 0;
  }
  return deleted;
}

/** Visible again now; a failure only means they reappear when `holdS` runs out. */
async function release(sqs: SQSClient, dlqUrl: string, handles: readonly string[]): Promise<void> {
  for (let i = 0; i < handles.length; i += 10) {
    const entries = handles.slice(i, i + 10).map((h, n) => ({ Id: String(n), ReceiptHandle: h, VisibilityTimeout: 0 }));
    await sqs
      .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: dlqUrl, Entries: entries }))
      .catch(() => undefined);
  }
}

/**
 * Redrive one message: send its bill back to the bills queue (the caller deletes the DLQ copy).
 * `attributes` are added to the transactionId attribute every bill message carries.
 */
export function redriveMessage(
  sqs: SQSClient,
  queueUrl: string,
  bill: BillMessage,
  attributes: Record<string, MessageAttributeValue> = {},
): Promise<string> {
  return sendBillMessage(sqs, queueUrl, bill, 0, attributes);
}

/** The DLQ's messages (up to `max`), left in place: what `failed-bills dlq` and GET /admin/v1/dlq show. */
export async function peekDlq(sqs: SQSClient, dlqUrl: string, max = 100): Promise<DlqEntry[]> {
  const entries: DlqEntry[] = [];
  await eachDlqMessage(sqs, dlqUrl, { max }, (m) => {
    entries.push(m.entry);
    return "release";
  });
  return entries;
}

/** Deletes the DLQ copies of messages for these transactions (they were sent to the main queue again, or resolved). */
export async function removeFromDlq(
  sqs: SQSClient,
  dlqUrl: string,
  transactionIds: ReadonlySet<string>,
  maxScan = 1000,
): Promise<number> {
  const { deleted } = await eachDlqMessage(sqs, dlqUrl, { max: maxScan }, ({ entry }) =>
    entry.transactionId !== null && transactionIds.has(entry.transactionId) ? "delete" : "release",
  );
  return deleted;
}
