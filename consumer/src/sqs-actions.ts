/**
 * The SQS side of an Outcome, one applyOutcome for both entry points: a fresh delayed copy (retry,
 * defer), a copy to the DLQ (deadletter), or nothing (ack). Deleting the original is left to the
 * caller (sqs-consumer deletes what handleMessage returns; Lambda deletes what is not reported as a
 * batch item failure). hideFor hands a message back at shutdown.
 */
import {
  ChangeMessageVisibilityCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { MAX_DELAY_SECONDS } from "./retry-policy.ts";
import type { HandlerSettings, InboundMessage, Outcome } from "./types.ts";

const transactionIdOf = (body: string): string | undefined => {
  try {
    const id = (JSON.parse(body) as { transactionId?: unknown }).transactionId;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Does to SQS what the outcome says; the original message is then deleted by the caller. A throw
 * means the outcome was not applied: the caller keeps the original, for SQS to deliver again.
 */
export async function applyOutcome(
  sqs: SQSClient,
  queues: Pick<HandlerSettings, "QUEUE_URL" | "DLQ_URL">,
  message: InboundMessage,
  outcome: Outcome,
): Promise<void> {
  switch (outcome.action) {
    case "ack":
      return;
    case "retry":
    case "defer":
      // A fresh delayed copy, not a visibility change: the receive count starts again, so only
      // receives that end unsettled (crashes, outages) count toward SQS's redrive.
      return sendDelayedCopy(sqs, queues.QUEUE_URL, message, outcome.delaySeconds);
    case "deadletter":
      return sendToDeadLetter(sqs, queues.DLQ_URL, message, outcome.reason);
  }
}

/** Sends a fresh copy (receive count 0) that becomes visible after delaySeconds. */
function sendDelayedCopy(sqs: SQSClient, queueUrl: string, message: InboundMessage, delaySeconds: number) {
  const DelaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds)));
  return sendCopy(sqs, queueUrl, message, {}, DelaySeconds);
}

/** Copies the message to the DLQ with the reason (the `failureReason` attribute on-call reads). */
function sendToDeadLetter(sqs: SQSClient, dlqUrl: string, message: InboundMessage, reason: string) {
  return sendCopy(sqs, dlqUrl, message, {
    failureReason: { DataType: "String", StringValue: reason.slice(0, 1000) || "unknown" },
  });
}

/** The message's body again, with its transactionId attribute (when the body names one) and `attributes`. */
async function sendCopy(
  sqs: SQSClient,
  queueUrl: string,
  message: InboundMessage,
  attributes: Record<string, MessageAttributeValue>,
  delaySeconds?: number,
): Promise<void> {
  const transactionId = transactionIdOf(message.body);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: message.body,
      ...(delaySeconds === undefined ? {} : { DelaySeconds: delaySeconds }),
      MessageAttributes: {
        ...attributes,
        ...(transactionId ? { transactionId: { DataType: "String", StringValue: transactionId } } : {}),
      },
    }),
  );
}

/** Makes a held message visible again after `seconds` (0: at once). */
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
