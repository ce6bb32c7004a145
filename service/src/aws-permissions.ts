/**
 * Every AWS action the ingest service process sends (ingest, sweeper, health, admin API), on which
 * resource, and why. The ingest tier's role is built from this list (infra/src/stacks/role-statements.ts)
 * and infra/test/iam checks each command the service sends against it. Nothing here reads Zoho
 * credentials, the token-encryption key or the worker's database credentials.
 */
import type { AwsGrant } from "../../lib/aws-actions.ts";

export const INGEST_SERVICE_GRANTS: readonly AwsGrant[] = [
  {
    sid: "StorePdf",
    actions: ["s3:PutObject"],
    resource: "incoming-objects",
    why: "ingest stores the PDF (lib/storage.ts putPdf)",
  },
  {
    sid: "DiscardLostDuplicate",
    actions: ["s3:DeleteObjectVersion"],
    resource: "incoming-objects",
    why: "a duplicate that loses the unique-index race deletes the version it wrote (ingest/ingest-service.ts)",
  },
  {
    sid: "ConsolePdf",
    actions: ["s3:GetObject"],
    resource: "incoming-objects",
    why: "operator console: a 5-minute presigned link to the bill's PDF, fetched by the browser as this role (console/pdf-link.ts)",
  },
  {
    sid: "ConsoleProcessedPdf",
    actions: ["s3:GetObject"],
    resource: "processed-objects",
    why: "operator console: a delivered bill's PDF from its processed copy (incoming expires), HEAD then the link (console/pdf-link.ts findPdf)",
  },
  {
    sid: "Enqueue",
    actions: ["sqs:SendMessage", "sqs:GetQueueAttributes"],
    resource: "queue",
    why: "enqueue (ingest, sweeper, admin retry); /health/ready reads the queue's attributes",
  },
  {
    sid: "AdminDlq",
    actions: ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage"],
    resource: "dlq",
    why: "admin API: DLQ peek (routes/admin/dlq.ts), retry/resolve remove the dead-lettered copy (lib/dlq.ts)",
  },
  {
    sid: "ApiKeys",
    actions: ["secretsmanager:GetSecretValue"],
    resource: "api-keys-secret",
    why: "API keys loaded and re-read from API_KEYS_SECRET_ID (plugins/api-keys.ts)",
  },
  {
    sid: "Metrics",
    actions: ["cloudwatch:PutMetricData"],
    resource: "metrics",
    why: "batched metrics (lib/metrics.ts)",
  },
  {
    sid: "PdfKey",
    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    resource: "storage-key",
    why: "SSE-KMS of the stored PDF (written by ingest, read through the console's link, incoming or processed)",
    impliedBy: ["s3:PutObject", "s3:GetObject"],
  },
  {
    sid: "QueueKey",
    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    resource: "messaging-key",
    why: "SSE-KMS of the bill queue and the DLQ",
    impliedBy: ["sqs:SendMessage", "sqs:ReceiveMessage"],
  },
  {
    sid: "SecretsKey",
    actions: ["kms:Decrypt"],
    resource: "secrets-key",
    why: "the API-keys secret is encrypted with the secrets CMK",
    impliedBy: ["secretsmanager:GetSecretValue"],
  },
];
