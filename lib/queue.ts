/** The bills queue: one message per accepted transaction (see BillMessage). */
import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
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

export async function sendBillMessage(
  sqs: SQSClient,
  queueUrl: string,
  message: BillMessage,
  delaySeconds = 0,
): Promise<string> {
  const out = await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(message),
      DelaySeconds: delaySeconds,
      MessageAttributes: {
        transactionId: { DataType: "String", StringValue: message.transactionId },
      },
    }),
  );
  if (!out.MessageId) throw new Error("SQS SendMessage returned no MessageId");
  return out.MessageId;
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
