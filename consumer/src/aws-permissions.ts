/**
 * Every AWS action the delivery worker (consumer/src/worker.ts, its DLQ settler) and the burst
 * Lambda (consumer/src/lambda.ts) send, on which resource, and why. Their roles are built from these
 * lists (infra/src/stacks/role-statements.ts); infra/test/iam checks each command they send against them.
 */
import type { AwsGrant } from "../../lib/aws-actions.ts";

/** What the handler does for one message, in either entry point. */
const DELIVERY: readonly AwsGrant[] = [
  {
    sid: "ReadPdf",
    actions: ["s3:GetObject"],
    resource: "incoming-objects",
    why: "the PDF streamed to Zoho, and the source of the copy to processed (lib/storage.ts)",
  },
  {
    sid: "MarkStoredOnce",
    actions: ["s3:PutObjectTagging"],
    resource: "incoming-objects",
    why: "once delivered, the incoming PDF is tagged stored-once=delivered so its lifecycle expires it (lib/storage.ts markStoredOnce)",
  },
  {
    sid: "KeepPdf",
    actions: ["s3:PutObject"],
    resource: "processed-objects",
    why: "a delivered PDF is copied to the Object Lock bucket (lib/storage.ts copyObject)",
  },
  {
    sid: "Metrics",
    actions: ["cloudwatch:PutMetricData"],
    resource: "metrics",
    why: "batched metrics (lib/metrics.ts)",
  },
  {
    sid: "PdfKey",
    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    resource: "storage-key",
    why: "SSE-KMS: read incoming, write processed",
    impliedBy: ["s3:GetObject", "s3:PutObject"],
  },
  {
    sid: "QueueKey",
    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    resource: "messaging-key",
    why: "SSE-KMS of the bill queue and the DLQ",
    impliedBy: ["sqs:SendMessage", "sqs:ReceiveMessage"],
  },
];

export const DELIVERY_WORKER_GRANTS: readonly AwsGrant[] = [
  ...DELIVERY,
  {
    sid: "Bills",
    actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:SendMessage"],
    resource: "queue",
    why: "sqs-consumer receives, deletes and extends a long attempt's visibility; retry and defer send a fresh delayed copy; the settler redrives",
  },
  {
    sid: "DeadLetters",
    actions: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
    resource: "dlq",
    why: "dead-letter (sqs-actions.ts); the DLQ settler receives, deletes what it settled and releases what it leaves for on-call (dlq-settler.ts)",
  },
];

export const BURST_LAMBDA_GRANTS: readonly AwsGrant[] = [
  ...DELIVERY,
  {
    sid: "Bills",
    actions: ["sqs:SendMessage"],
    resource: "queue",
    why: "retry and defer send a fresh delayed copy (sqs-actions.ts applyOutcome)",
  },
  {
    sid: "EventSource",
    actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
    resource: "queue",
    why: "the event source mapping polls the queue and deletes settled records with the function's role",
    impliedBy: ["aws:event-source-mapping"],
  },
  {
    sid: "DeadLetter",
    actions: ["sqs:SendMessage"],
    resource: "dlq",
    why: "dead-letter (sqs-actions.ts)",
  },
  {
    sid: "ColdStartSecrets",
    actions: ["secretsmanager:GetSecretValue"],
    resource: "zoho-oauth-secret",
    why: "cold start resolves ZOHO_* (lib/secret-env.ts)",
  },
  {
    sid: "ColdStartTokenKey",
    actions: ["secretsmanager:GetSecretValue"],
    resource: "token-key-secret",
    why: "cold start resolves TOKEN_ENCRYPTION_KEY (lib/secret-env.ts)",
  },
  {
    sid: "ColdStartDatabase",
    actions: ["secretsmanager:GetSecretValue"],
    resource: "db-delivery-secret",
    why: "cold start resolves DATABASE_URL as bill_mw_delivery (lib/secret-env.ts)",
  },
  {
    sid: "ColdStartRedis",
    actions: ["secretsmanager:GetSecretValue"],
    resource: "redis-auth-secret",
    why: "cold start resolves REDIS_URL (lib/secret-env.ts)",
  },
  {
    sid: "SecretsKey",
    actions: ["kms:Decrypt"],
    resource: "secrets-key",
    why: "the secrets and the function's environment are encrypted with the secrets CMK",
    impliedBy: ["secretsmanager:GetSecretValue", "aws:lambda-environment"],
  },
];
