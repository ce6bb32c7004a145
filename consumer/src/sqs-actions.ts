/**
 * The SQS side of an Outcome, shared by both entry points: re-send with a delay, copy to the DLQ,
 * or hide for a backoff. Deleting the original is left to the caller (sqs-consumer deletes what the
 * handler returns; Lambda deletes what is not reported as a batch item failure).
 */
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { InboundMessage } from "./types.ts";

/** SQS's largest DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;

const transactionIdOf = (body: string): string | undefined => {
  try {
    const id = (JSON.parse(body) as { transactionId?: unknown }).transactionId;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
};

/** Sends a fresh copy (receive count 0) that becomes visible after delaySeconds. */
export async function resendWithDelay(
  sqs: SQSClient,
  queueUrl: string,
  message: InboundMessage,
  delaySeconds: number,
): Promise<void> {
  const transactionId = transactionIdOf(message.body);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: message.body,
      DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))),
      MessageAttributes: transactionId ? { transactionId: { DataType: "String", StringValue: transactionId } } : {},
    }),
  );
}

/** Copies the message to the DLQ with the reason, for scripts/ops/dlq-replay.ts and the on-call. */
export async function sendToDeadLetter(
  sqs: SQSClient,
  dlqUrl: string,
  message: InboundMessage,
  reason: string,
): Promise<void> {
  const transactionId = transactionIdOf(message.body);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: dlqUrl,
      MessageBody: message.body,
      MessageAttributes: {
        failureReason: { DataType: "String", StringValue: reason.slice(0, 1000) || "unknown" },
        ...(transactionId ? { transactionId: { DataType: "String", StringValue: transactionId } } : {}),
      },
    }),
  );
}

export async function hideFor(
  sqs: SQSClient,
  queueUrl: string,
  message: InboundMessage,
  seconds: number,
): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: message.receiptHandle,
      VisibilityTimeout: Math.min(43_200, Math.max(0, Math.round(seconds))),
    }),
  );
}
