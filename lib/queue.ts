/** The bills queue: one message per accepted transaction (see BillMessage). */
import {
  GetQueueAttributesCommand,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { BillMessage, TransactionRow } from "./bill.ts";

type MessageSource = Pick<TransactionRow, "id" | "netsuite_bill_id" | "s3_bucket" | "s3_key" | "content_sha256">;

/** The queue message for a transaction row: the one place a row becomes a message. */
export function billMessageFor(row: MessageSource): BillMessage {
  return {
    version: 1,
    transactionId: row.id,
    netsuiteBillId: row.netsuite_bill_id,
    bucket: row.s3_bucket,
    key: row.s3_key,
    sha256: row.content_sha256,
  };
}

/** The request fields of one bill message: the same for a single send and a batch entry. */
function messageFields(
  message: BillMessage,
  delaySeconds: number,
  attributes: Record<string, MessageAttributeValue> = {},
) {
  return {
    MessageBody: JSON.stringify(message),
    DelaySeconds: delaySeconds,
    MessageAttributes: {
      transactionId: { DataType: "String", StringValue: message.transactionId },
      ...attributes,
    },
  };
}

/** Sends one bill message; `attributes` are added to the transactionId attribute every bill message carries. */
export async function sendBillMessage(
  sqs: SQSClient,
  queueUrl: string,
  message: BillMessage,
  delaySeconds = 0,
  attributes: Record<string, MessageAttributeValue> = {},
): Promise<string> {
  const out = await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, ...messageFields(message, delaySeconds, attributes) }),
  );
  if (!out.MessageId) throw new Error("SQS SendMessage returned no MessageId");
  return out.MessageId;
}

/** SQS takes at most 10 entries per SendMessageBatch. */
export const MAX_BATCH = 10;

interface Waiting {
  readonly message: BillMessage;
  readonly resolve: (messageId: string) => void;
  readonly reject: (err: Error) => void;
}

/**
 * Coalesces bill messages sent within `lingerMs` of each other (or 10 at once) into one
 * SendMessageBatch: one signed request per batch instead of one per bill. Each send() settles on
 * its own entry's outcome. `afterSend` runs once per batch with the messages SQS took, before their
 * send() calls resolve (the ingest stamps enqueued_at for the batch in one statement); if it fails,
 * those send() calls reject with its error.
 */
export class BillMessageBatcher {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #lingerMs: number;
  readonly #afterSend: (sent: readonly BillMessage[]) => Promise<void>;
  #waiting: Waiting[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: {
    sqs: SQSClient;
    queueUrl: string;
    lingerMs: number;
    afterSend?: (sent: readonly BillMessage[]) => Promise<void>;
  }) {
    if (!(options.lingerMs >= 0 && options.lingerMs <= 10)) throw new RangeError("lingerMs must be 0..10");
    this.#sqs = options.sqs;
    this.#queueUrl = options.queueUrl;
    this.#lingerMs = options.lingerMs;
    this.#afterSend = options.afterSend ?? (async () => undefined);
  }

  /** Resolves with the message id once SQS has the message (and afterSend has run for its batch). */
  send(message: BillMessage): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.#waiting.push({ message, resolve, reject });
      if (this.#waiting.length >= MAX_BATCH) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#lingerMs);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#waiting.splice(0, MAX_BATCH);
    if (this.#waiting.length > 0) this.#timer = setTimeout(() => this.#flush(), this.#lingerMs);
    if (batch.length > 0) void this.#sendBatch(batch);
  }

  async #sendBatch(batch: readonly Waiting[]): Promise<void> {
    const entries: SendMessageBatchRequestEntry[] = batch.map((w, i) => ({
      Id: String(i),
      ...messageFields(w.message, 0),
    }));
    let sent: { waiting: Waiting; messageId: string }[];
    try {
      const out = await this.#sqs.send(new SendMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries: entries }));
      const ids = new Map((out.Successful ?? []).map((s) => [s.Id, s.MessageId]));
      const failed = new Map((out.Failed ?? []).map((f) => [f.Id, `${f.Code ?? "unknown"} ${f.Message ?? ""}`.trim()]));
      sent = batch.flatMap((waiting, i) => {
        const messageId = ids.get(String(i));
        if (messageId) return [{ waiting, messageId }];
        waiting.reject(new Error(`SQS did not take the message: ${failed.get(String(i)) ?? "no entry in its answer"}`));
        return [];
      });
    } catch (err) {
      for (const w of batch) w.reject(err as Error);
      return;
    }
    try {
      if (sent.length > 0) await this.#afterSend(sent.map((s) => s.waiting.message));
      for (const s of sent) s.waiting.resolve(s.messageId);
    } catch (err) {
      for (const s of sent) s.waiting.reject(err as Error);
    }
  }
}

export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** Everything the queue holds: visible + in flight + delayed. */
  readonly total: number;
}

/** SQS's approximate counts for a queue (what the backlog alarms and scaling read too). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  const a = out.Attributes ?? {};
  const visible = Number(a.ApproximateNumberOfMessages ?? 0);
  const inFlight = Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
  const delayed = Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
  return { visible, inFlight, delayed, total: visible + inFlight + delayed };
}
