import { DataAwsElbServiceAccount } from "@cdktf/provider-aws/lib/data-aws-elb-service-account/index.js";
import { Construct } from "constructs";
import type { ResourceNames } from "../../../lib/naming.ts";
import { LIFECYCLE, SecureBucket } from "./secure-bucket.ts";

export interface StorageProps {
  /** Bucket names (lib/naming.ts). Required; no default. */
  readonly names: ResourceNames;
  /** Account whose log deliveries (ALB, S3, CloudTrail) the access-log bucket admits. Required; no default. */
  readonly accountId: string;
  /** CMK of the PDF and artifact buckets. Required; no default. */
  readonly storageKeyArn: string;
}

/** Prefixes inside the access-log bucket. */
export const LOG_PREFIXES = { alb: "alb", cloudtrail: "cloudtrail" } as const;

/**
 * The four buckets. `incoming` holds each PDF until its delivery is recorded and a day or two more
 * (store once: INCOMING_LIFECYCLE; an undelivered one up to 400 days), `processed` keeps delivered PDFs under
 * Object Lock (COMPLIANCE) for exactly as long as the lifecycle keeps them (2555 days), so the
 * expiry never fights the lock. `access-logs` receives ALB, S3 and CloudTrail logs: ALB access
 * logs and S3 server access logs can only be delivered to an SSE-S3 bucket, so it is the one
 * bucket without a CMK (CloudTrail still encrypts its own files with its CMK). `artifacts` holds
 * release bundles.
 */
export class Storage extends Construct {
  public readonly incoming: SecureBucket;
  public readonly processed: SecureBucket;
  public readonly accessLogs: SecureBucket;
  public readonly artifacts: SecureBucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { names, accountId, storageKeyArn } = props;
    const elb = new DataAwsElbServiceAccount(this, "elb-account", {});
    const logArn = `arn:aws:s3:::${names.accessLogsBucket}`;
    const sourceAccount = { StringEquals: { "aws:SourceAccount": accountId } };
    this.accessLogs = new SecureBucket(this, "access-logs", {
      bucketName: names.accessLogsBucket,
      extraPolicyStatements: [
        {
          // Regions older than August 2022 (us-east-1 among them) deliver as the regional ELB account.
          Sid: "AlbAccessLogsLegacyRegions",
          Effect: "Allow",
          Principal: { AWS: elb.arn },
          Action: "s3:PutObject",
          Resource: `${logArn}/${LOG_PREFIXES.alb}/AWSLogs/${accountId}/*`,
        },
        {
          Sid: "AlbAccessLogs",
          Effect: "Allow",
          Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${logArn}/${LOG_PREFIXES.alb}/AWSLogs/${accountId}/*`,
        },
        {
          Sid: "S3ServerAccessLogs",
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${logArn}/s3/*`,
          Condition: sourceAccount,
        },
        {
          Sid: "CloudTrailAclCheck",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:GetBucketAcl",
          Resource: logArn,
          Condition: sourceAccount,
        },
        {
          Sid: "CloudTrailWrite",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${logArn}/${LOG_PREFIXES.cloudtrail}/AWSLogs/${accountId}/*`,
          Condition: sourceAccount,
        },
      ],
    });
    const logs = { accessLogBucket: names.accessLogsBucket, kmsKeyArn: storageKeyArn };
    this.incoming = new SecureBucket(this, "incoming", {
      bucketName: names.incomingBucket,
      lifecycle: "transit",
      ...logs,
    });
    this.processed = new SecureBucket(this, "processed", {
      bucketName: names.processedBucket,
      objectLockDays: LIFECYCLE.expireAfterDays,
      ...logs,
    });
    this.artifacts = new SecureBucket(this, "artifacts", { bucketName: names.artifactsBucket, ...logs });
  }
}
