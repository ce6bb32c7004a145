import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { Construct } from "constructs";
import { assumeRolePolicy, policyDocument } from "./iam.ts";

export interface AuditProps {
  readonly namePrefix: string;
  readonly bucket: string;
  readonly prefix: string;
  /** CMK CloudTrail encrypts its log files (and the log group) with. */
  readonly kmsKeyArn: string;
  readonly logRetentionDays: number;
  /** Buckets whose object-level operations are recorded (data events). */
  readonly dataEventBucketArns: readonly string[];
}

/**
 * A multi-region CloudTrail with log-file validation, KMS-encrypted files in the access-log bucket
 * and a copy in CloudWatch Logs for alarms and queries. Object-level reads and writes of the PDF
 * buckets are recorded too: who touched a bill is part of the audit trail.
 */
export class Audit extends Construct {
  public readonly trailArn: string;

  constructor(scope: Construct, id: string, props: AuditProps) {
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
    const trail = new Cloudtrail(this, "trail", {
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
