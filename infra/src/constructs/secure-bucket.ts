import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging/index.js";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration/index.js";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy/index.js";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning/index.js";
import { Construct } from "constructs";
import { STORED_ONCE_TAG } from "../../../lib/storage.ts";

/** Days of the shared lifecycle: what the retention policy (7 years) and the tiers mean in days. */
export const LIFECYCLE = {
  standardIaAfterDays: 30,
  glacierAfterDays: 90,
  /** 7 years (7 x 365). Object Lock retention on `processed` uses the same number. */
  expireAfterDays: 2555,
  noncurrentExpireAfterDays: 30,
  abortMultipartAfterDays: 7,
} as const;

/**
 * Store once (ADR 9): `incoming` is a transit bucket. Once the worker has copied a PDF to
 * `processed` and recorded the delivery, it tags the incoming object `stored-once=delivered`
 * (lib/storage.ts STORED_ONCE_TAG); a rule filtered on that tag expires it a day after upload (S3
 * counts from the object's creation and acts at the next midnight UTC, so a PDF delivered late
 * goes at the next run), its noncurrent version a day later. An untagged PDF (not delivered yet:
 * failed, waiting for a finance fix, or its tag call failed) stays until the backstop, 400 days:
 * past the DLQ's 14 days and a year-end close, so a bill fixed in the next financial year still
 * has its PDF. Lone delete markers are removed by their own rule (ExpiredObjectDeleteMarker
 * cannot share an Expiration with Days, and S3 refuses it beside a tag filter).
 */
export const INCOMING_LIFECYCLE = {
  deliveredExpireAfterDays: 1,
  backstopExpireAfterDays: 400,
  noncurrentExpireAfterDays: 1,
  abortMultipartAfterDays: 1,
} as const;

/** Which lifecycle a bucket gets: the 7-year retention with tiers, or the short transit one. */
export type LifecyclePlan = "retention" | "transit";

export interface SecureBucketProps {
  /** Globally unique bucket name (lib/naming.ts). Required; no default. */
  readonly bucketName: string;
  /** CMK for default encryption; unset means SSE-S3, for buckets AWS log delivery writes to. @default undefined (SSE-S3) */
  readonly kmsKeyArn?: string;
  /** Object Lock in COMPLIANCE mode with this default retention, days; only at creation. @default undefined (no lock) */
  readonly objectLockDays?: number;
  /** Server access logs go to this bucket under `s3/<bucket>/`. @default undefined (no access logs) */
  readonly accessLogBucket?: string;
  /** Statements added to the TLS-only bucket policy (log delivery grants). @default [] */
  readonly extraPolicyStatements?: readonly Record<string, unknown>[];
  /** `retention` (LIFECYCLE) or `transit` (INCOMING_LIFECYCLE, no tiers). @default "retention" */
  readonly lifecycle?: LifecyclePlan;
}

/**
 * An S3 bucket with the safe choices made: default encryption (CMK unless AWS log delivery needs
 * SSE-S3), versioning, all four public-access blocks, bucket-owner-enforced ownership, a policy
 * that denies any request not over TLS, and the retention lifecycle (30 d STANDARD_IA, 90 d
 * GLACIER, expiry at 2555 d, noncurrent versions and stale multipart uploads cleaned up), or the
 * transit lifecycle of `incoming` (INCOMING_LIFECYCLE: delivered PDFs go after a day).
 */
export class SecureBucket extends Construct {
  public readonly bucket: string;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const { bucketName, kmsKeyArn, objectLockDays, accessLogBucket, extraPolicyStatements = [] } = props;
    const bucket = new S3Bucket(this, "bucket", {
      bucket: bucketName,
      objectLockEnabled: objectLockDays !== undefined,
    });
    this.bucket = bucket.bucket;
    this.arn = bucket.arn;

    const versioning = this.#baseline(bucket, kmsKeyArn);
    new S3BucketPolicy(this, "policy", {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucket.arn, `${bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          ...extraPolicyStatements,
        ],
      }),
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: bucket.id,
      dependsOn: [versioning],
      rule: lifecycleRules(props.lifecycle ?? "retention"),
    });
    if (objectLockDays !== undefined) {
      new S3BucketObjectLockConfigurationA(this, "object-lock", {
        bucket: bucket.id,
        dependsOn: [versioning],
        rule: { defaultRetention: { mode: "COMPLIANCE", days: objectLockDays } },
      });
    }
    if (accessLogBucket) {
      new S3BucketLoggingA(this, "logging", {
        bucket: bucket.id,
        targetBucket: accessLogBucket,
        targetPrefix: `s3/${bucketName}/`,
      });
    }
  }

  /** Public access blocked, owner-enforced ownership, versioning, default encryption. */
  #baseline(bucket: S3Bucket, kmsKeyArn: string | undefined): S3BucketVersioningA {
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const versioning = new S3BucketVersioningA(this, "versioning", {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: kmsKeyArn
            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn }
            : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: kmsKeyArn !== undefined, // fewer KMS calls per object
        },
      ],
    });
    return versioning;
  }
}

/** The rules of each plan: the retention one, or the transit ones (delivered, backstop, delete markers). */
function lifecycleRules(plan: LifecyclePlan): S3BucketLifecycleConfigurationRule[] {
  if (plan === "transit") {
    const noncurrent = [{ noncurrentDays: INCOMING_LIFECYCLE.noncurrentExpireAfterDays }];
    return [
      {
        id: "delivered-stored-once",
        status: "Enabled",
        filter: [{ tag: [{ key: STORED_ONCE_TAG.key, value: STORED_ONCE_TAG.value }] }],
        expiration: [{ days: INCOMING_LIFECYCLE.deliveredExpireAfterDays }],
        noncurrentVersionExpiration: noncurrent,
      },
      {
        id: "undelivered-backstop",
        status: "Enabled",
        filter: [{ prefix: "" }],
        expiration: [{ days: INCOMING_LIFECYCLE.backstopExpireAfterDays }],
        noncurrentVersionExpiration: noncurrent,
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: INCOMING_LIFECYCLE.abortMultipartAfterDays }],
      },
      {
        id: "lone-delete-markers",
        status: "Enabled",
        filter: [{ prefix: "" }],
        expiration: [{ expiredObjectDeleteMarker: true }],
      },
    ];
  }
  return [
    {
      id: "tiering-and-retention",
      status: "Enabled",
      filter: [{ prefix: "" }],
      transition: [
        { days: LIFECYCLE.standardIaAfterDays, storageClass: "STANDARD_IA" },
        { days: LIFECYCLE.glacierAfterDays, storageClass: "GLACIER" },
      ],
      expiration: [{ days: LIFECYCLE.expireAfterDays }],
      noncurrentVersionExpiration: [{ noncurrentDays: LIFECYCLE.noncurrentExpireAfterDays }],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: LIFECYCLE.abortMultipartAfterDays }],
    },
  ];
}
