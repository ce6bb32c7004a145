/**
 * The burst Lambda with its role's keys: what the event source mapping does (receive with the
 * function's role, delete what the handler settled; AWS's calls, so not captured) around
 * consumer/src/lambda.ts's cold start and processEvent. The cold start is lambda.ts's own, except
 * that the resolved DATABASE_URL/REDIS_URL (TLS, RDS hosts) are swapped for the local stand-ins'
 * after every secret was read with the role: the reads are what this proves.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { buildDeps } from "../../../../consumer/src/deps.ts";
import { processEvent } from "../../../../consumer/src/lambda.ts";
import { observeCommands } from "../../../../lib/aws.ts";
import { loadWorkerConfig } from "../../../../lib/config.ts";
import { createLogger } from "../../../../lib/logger.ts";
import { resolveSecretEnv } from "../../../../lib/secret-env.ts";

const local = { DATABASE_URL: process.env.LOCAL_DATABASE_URL, REDIS_URL: process.env.LOCAL_REDIS_URL };
const secrets = observeCommands(new SecretsManagerClient({}));
const resolved = await resolveSecretEnv(secrets).finally(() => secrets.destroy());
const config = loadWorkerConfig({ ...resolved, ...local });
const deps = await buildDeps(config, createLogger(config, "bill-worker-lambda"));

const mapping = new SQSClient({});
const queueUrl = config.QUEUE_URL;
const deadline = Date.now() + Number(process.argv[2] ?? "5") * 1000;
let handled = 0;
while (Date.now() < deadline) {
  const { Messages = [] } = await mapping.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["ApproximateReceiveCount"],
    }),
  );
  if (Messages.length === 0) continue;
  const records = Messages.map((m) => ({
    messageId: String(m.MessageId),
    receiptHandle: String(m.ReceiptHandle),
    body: String(m.Body),
    attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount },
  }));
  const { batchItemFailures } = await processEvent({ Records: records }, deps);
  const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
  for (const r of records.filter((r) => !failed.has(r.messageId))) {
    await mapping.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: r.receiptHandle }));
  }
  handled += records.length;
}
await deps.close();
mapping.destroy();
console.log(JSON.stringify({ handled }));
