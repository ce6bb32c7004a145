/**
 * Every AWS action the secret-rotation Lambda (secret-rotation.ts) sends, on which resource, and
 * why. Its role is built from this list (infra/src/constructs/secret-rotation.ts); infra/test/iam
 * checks each command the rotation sends against it.
 */
import type { AwsGrant } from "../../lib/aws-actions.ts";

export const ROTATION_GRANTS: readonly AwsGrant[] = [
  {
    sid: "Rotate",
    actions: [
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
      "secretsmanager:UpdateSecretVersionStage",
    ],
    resource: "rotated-secrets",
    why: "the four rotation steps: stage AWSPENDING, test, promote",
  },
  {
    sid: "Tell",
    actions: ["sns:Publish"],
    resource: "rotation-topic",
    why: "tells the warning topic that new credentials are due",
  },
  {
    sid: "SecretsKey",
    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    resource: "secrets-key",
    why: "the rotated secrets and the function's environment are encrypted with the secrets CMK",
    impliedBy: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "aws:lambda-environment"],
  },
  {
    sid: "TopicKey",
    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    resource: "messaging-key",
    why: "SSE-KMS of the topic",
    impliedBy: ["sns:Publish"],
  },
];
