import type { Construct } from "constructs";
import { KmsKey, type PolicyStatement } from "./kms-key.ts";

/** The stack's customer-managed keys, one per kind of data. */
export const KEY_NAMES = ["data", "storage", "messaging", "secrets", "logs"] as const;
export type KeyName = (typeof KEY_NAMES)[number];
export type KmsKeys = Readonly<Record<KeyName, KmsKey>>;

export interface KmsKeysProps {
  /** Prefix of every alias: `alias/<namePrefix>-<key name>`. Required; no default. */
  readonly namePrefix: string;
  /** Account whose root administers the keys and whose roles and services use them. Required; no default. */
  readonly accountId: string;
  /** Region of the CloudWatch Logs service principal in the logs key's policy. Required; no default. */
  readonly region: string;
  /** Days before a scheduled deletion of any key completes. @default 30 (KmsKey's default) */
  readonly deletionWindowDays?: number;
}

/** What each key protects, and the AWS services (beyond the account's IAM) its policy lets use it. */
interface KeySpec {
  readonly description: string;
  readonly serviceStatements: readonly PolicyStatement[];
}

const USE_KEY = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/**
 * EC2 Auto Scaling launches instances with CMK-encrypted volumes and publishes fleet events to a
 * CMK-encrypted topic through its service-linked role, which therefore needs the key and grants.
 */
function autoScalingUsesKey(accountId: string): PolicyStatement[] {
  const role = `arn:aws:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
  return [
    { Sid: "AutoScalingUsesKey", Effect: "Allow", Principal: { AWS: role }, Action: USE_KEY, Resource: "*" },
    {
      Sid: "AutoScalingGrants",
      Effect: "Allow",
      Principal: { AWS: role },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ];
}

/** Declarative table of the five keys; the order is the order they are created in. */
export function keySpecs(accountId: string, region: string): Readonly<Record<KeyName, KeySpec>> {
  return {
    data: {
      description: "RDS, Performance Insights, ElastiCache and EBS volumes",
      serviceStatements: autoScalingUsesKey(accountId),
    },
    storage: { description: "S3 buckets: PDFs and release artifacts", serviceStatements: [] },
    messaging: {
      description: "SQS queues and SNS topics",
      serviceStatements: [
        {
          // Only this account's alarms, and only for this account's topics (confused deputy).
          Sid: "CloudWatchAlarmsPublish",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          // The conditions of the SNS guide's "AWS services publishing to encrypted topics".
          Condition: {
            ArnLike: {
              "aws:SourceArn": `arn:aws:cloudwatch:${region}:${accountId}:alarm:*`,
              "kms:EncryptionContext:aws:sns:topicArn": `arn:aws:sns:${region}:${accountId}:*`,
            },
          },
        },
        ...autoScalingUsesKey(accountId),
      ],
    },
    secrets: { description: "Secrets Manager secrets and Lambda environment variables", serviceStatements: [] },
    logs: {
      description: "CloudWatch Logs and CloudTrail",
      serviceStatements: [
        {
          Sid: "CloudWatchLogs",
          Effect: "Allow",
          Principal: { Service: `logs.${region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          // The encryption context names this account's log groups: no other account's can use the key.
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${accountId}:*` } },
        },
        {
          Sid: "CloudTrailEncrypts",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: ["kms:GenerateDataKey*", "kms:DescribeKey"],
          Resource: "*",
          Condition: {
            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${accountId}:trail/*` },
            ArnLike: { "aws:SourceArn": `arn:aws:cloudtrail:${region}:${accountId}:trail/*` },
          },
        },
      ],
    },
  };
}

/**
 * Creates the five CMKs (`KmsKey`: yearly rotation, explicit policy, alias) as direct children of
 * `scope`, with ids `key-<name>`. A function rather than a wrapper construct on purpose: a wrapper
 * would add a path segment to every key's Terraform address, and Terraform would replace the keys.
 */
export function createKmsKeys(scope: Construct, props: KmsKeysProps): KmsKeys {
  const { namePrefix, accountId, region, deletionWindowDays } = props;
  const specs = keySpecs(accountId, region);
  const entries = KEY_NAMES.map((name) => {
    const { description, serviceStatements } = specs[name];
    const key = new KmsKey(scope, `key-${name}`, {
      alias: `${namePrefix}-${name}`,
      description,
      accountId,
      serviceStatements,
      ...(deletionWindowDays === undefined ? {} : { deletionWindowDays }),
    });
    return [name, key] as const;
  });
  return Object.fromEntries(entries) as KmsKeys;
}
