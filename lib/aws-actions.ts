/**
 * The vocabulary of the per-process AWS action lists (service/src/aws-permissions.ts,
 * consumer/src/aws-permissions.ts, scripts/ops/aws-permissions.ts, scripts/release/aws-permissions.ts,
 * infra/functions/aws-permissions.ts): which IAM actions a process needs on which of the stack's
 * resources, and why. The stack builds each role's statements from these lists
 * (infra/src/stacks/role-statements.ts); infra/test/iam proves them on an IAM-enforcing stand-in and
 * checks every command the code sends against them (`iamRequestsOf`).
 */
import type { SentCommand } from "./aws.ts";

/** The stack's resources a process may be granted something on; the stack maps each to ARNs. */
export const AWS_RESOURCES = [
  "incoming-objects",
  "processed-objects",
  "release-bundles",
  "queue",
  "dlq",
  "api-keys-secret",
  "admin-api-keys-secret",
  "zoho-oauth-secret",
  "token-key-secret",
  "redis-auth-secret",
  "db-ingest-secret",
  "db-delivery-secret",
  "db-oncall-secret",
  "rotated-secrets",
  "rotation-topic",
  "storage-key",
  "messaging-key",
  "secrets-key",
  "metrics",
  "release-parameter",
  "release-functions",
  "fleet-groups",
] as const;
export type AwsResource = (typeof AWS_RESOURCES)[number];

/** One statement of a role: IAM actions on one resource, and the code path that needs them. */
export interface AwsGrant {
  /** Statement id in the role's policy (unique per role). */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resource: AwsResource;
  /** The code that sends it (shown in infra/README.md's role table). */
  readonly why: string;
  /**
   * Actions AWS performs on the process's behalf when it sends one of these (KMS for SSE-KMS objects,
   * encrypted queues and secrets): no SDK command shows them, so they count as used with those.
   */
  readonly impliedBy?: readonly string[];
}

/** One IAM authorization a sent command needs: the action and what it names (bucket/key, queue URL, id). */
export interface IamRequest {
  readonly action: string;
  readonly target: string;
}

const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  S3Client: "s3",
  SQSClient: "sqs",
  SecretsManagerClient: "secretsmanager",
  CloudWatchClient: "cloudwatch",
  SNSClient: "sns",
  SSMClient: "ssm",
  LambdaClient: "lambda",
  AutoScalingClient: "autoscaling",
};

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** S3 operations whose IAM action differs from the operation name. */
function s3Requests(op: string, input: Readonly<Record<string, unknown>>): IamRequest[] {
  const object = `${str(input.Bucket)}/${str(input.Key)}`;
  const versioned = typeof input.VersionId === "string";
  switch (op) {
    case "GetObject":
    case "HeadObject":
      return [{ action: versioned ? "s3:GetObjectVersion" : "s3:GetObject", target: object }];
    case "DeleteObject":
      return [{ action: versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject", target: object }];
    case "CopyObject":
      return [
        { action: "s3:PutObject", target: object },
        { action: "s3:GetObject", target: decodeURIComponent(str(input.CopySource)) },
      ];
    case "CreateMultipartUpload":
    case "UploadPart":
    case "CompleteMultipartUpload":
      return [{ action: "s3:PutObject", target: object }];
    case "ListObjectVersions":
      return [{ action: "s3:ListBucketVersions", target: str(input.Bucket) }];
    default:
      return [{ action: `s3:${op}`, target: object }];
  }
}

/** What a command names, for the services whose actions are not S3's. */
function targetOf(input: Readonly<Record<string, unknown>>): string {
  for (const k of ["QueueUrl", "SecretId", "Namespace", "TopicArn", "Name", "FunctionName", "AutoScalingGroupName"]) {
    if (typeof input[k] === "string") return input[k];
  }
  return "*";
}

/**
 * The IAM authorizations AWS checks for one sent command (Service Authorization Reference): batch
 * SQS calls are authorized as their single form, HeadObject as GetObject, CopyObject as PutObject on
 * the target and GetObject on the source.
 */
export function iamRequestsOf(sent: Pick<SentCommand, "client" | "command" | "input">): IamRequest[] {
  const prefix = SERVICE_PREFIX[sent.client];
  if (!prefix) throw new Error(`no IAM service prefix known for ${sent.client}`);
  const op = sent.command.replace(/Command$/, "");
  if (prefix === "s3") return s3Requests(op, sent.input);
  const single = prefix === "sqs" ? op.replace(/Batch$/, "") : op;
  return [{ action: `${prefix}:${single}`, target: targetOf(sent.input) }];
}

/** Every action of a list, once. */
export const actionsOf = (grants: readonly AwsGrant[]): string[] => [...new Set(grants.flatMap((g) => g.actions))];
