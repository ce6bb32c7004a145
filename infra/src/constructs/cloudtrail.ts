import { Cloudtrail as AwsCloudtrail } from "@cdktf/provider-aws/lib/cloudtrail/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { Construct } from "constructs";
import { assumeRolePolicy, policyDocument } from "./iam.ts";

export interface CloudTrailProps {
  /** Prefix of the trail, its role and its log group (`/bill-mw/<namePrefix>/cloudtrail`). Required; no default. */
  readonly namePrefix: string;
  /** Bucket the log files are delivered to; its policy must admit CloudTrail. Required; no default. */
  readonly bucket: string;
  /** Key prefix of the log files in `bucket`. Required; no default. */
  readonly prefix: string;
  /** CMK CloudTrail encrypts its log files (and the log group) with. Required; no default. */
  readonly kmsKeyArn: string;
  /** Retention of the CloudWatch Logs copy, days. Required; no default. */
  readonly logRetentionDays: number;
  /** Buckets whose object-level operations are recorded (data events). Required; no default. */
  readonly dataEventBucketArns: readonly string[];
}

/**
 * A multi-region CloudTrail with log-file validation, KMS-encrypted files in the access-log bucket
 * and a copy in CloudWatch Logs for alarms and queries. Object-level reads and writes of the given
 * buckets (the PDFs) are recorded too, so the account's history shows who touched a bill's file.
 */
export class CloudTrail extends Construct {
  public readonly trailArn: string;

  constructor(scope: Construct, id: string, props: CloudTrailProps) {
    super(scope, id);
    const logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/bill-mw/${props.namePrefix}/cloudtrail`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    const role = new IamRole(this, "role", {
      name: `${props.namePrefix}-cloudtrail`,
      assumeRolePolicy: assumeRolePolicy("cloudtrail.amazonaws.com"),
    });
    new IamRolePolicy(this, "policy", {
      role: role.id,
      policy: policyDocument([
        { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup.arn}:*` },
      ]),
    });
    const trail = new AwsCloudtrail(this, "trail", {
      name: `${props.namePrefix}-trail`,
      s3BucketName: props.bucket,
      s3KeyPrefix: props.prefix,
      kmsKeyId: props.kmsKeyArn,
      enableLogFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      cloudWatchLogsGroupArn: `${logGroup.arn}:*`,
      cloudWatchLogsRoleArn: role.arn,
      eventSelector: [
        {
          readWriteType: "All",
          includeManagementEvents: true,
          dataResource: [{ type: "AWS::S3::Object", values: props.dataEventBucketArns.map((arn) => `${arn}/`) }],
        },
      ],
    });
    this.trailArn = trail.arn;
  }
}
