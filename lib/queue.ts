/** The bills queue: one message per accepted transaction (see BillMessage). */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { BillMessage } from "./bill.ts";

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
