/**
 * Every AWS action the on-call commands (`bill-mw-ops`, scripts/ops/) send, on which resource, and
 * why. The on-call role is built from this list (infra/src/stacks/role-statements.ts) plus Session
 * Manager access; infra/test/iam checks each command the ops code sends against it.
 */
import type { AwsGrant } from "../../lib/aws-actions.ts";

export const ONCALL_GRANTS: readonly AwsGrant[] = [
  {
    sid: "Redrive",
    actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
    resource: "dlq",
    why: "dlq-redrive and failed-bills retry/resolve take the dead-lettered copy off the DLQ (lib/dlq.ts)",
  },
  {
    sid: "Enqueue",
    actions: ["sqs:SendMessage"],
    resource: "queue",
    why: "dlq-redrive, retry and retry-stuck enqueue (lib/queue.ts, lib/dlq.ts)",
  },
  {
    sid: "OncallDatabase",
    actions: ["secretsmanager:GetSecretValue"],
    resource: "db-oncall-secret",
    why: "bill-mw-ops builds DATABASE_URL as bill_mw_oncall from it (user-data.ts)",
    impliedBy: ["aws:bill-mw-ops"],
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
    why: "the on-call database secret is encrypted with the secrets CMK",
    impliedBy: ["aws:bill-mw-ops"],
  },
];
