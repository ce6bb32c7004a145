import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { Construct } from "constructs";
import { releaseArtifactKey } from "../../../lib/naming.ts";
import { assumeRolePolicy, policyDocument, type Statement } from "./iam.ts";

/** Every prop is required (no default) except `memoryMb`. */
export interface NodeFunctionProps {
  /** Function name; also the role's name (cut to 64) and the log group's `/aws/lambda/<name>`. */
  readonly functionName: string;
  /** Shown in the console. */
  readonly description: string;
  /** `<file>.<export>` inside the release bundle, e.g. `lambda.handler`. */
  readonly handler: string;
  /** Bucket of the release bundles (lib/naming.ts). */
  readonly artifactsBucket: string;
  /** Release deployed at creation; later releases update the code (scripts/release/cli.ts). */
  readonly initialReleaseVersion: string;
  /** Subnets of the function's network interfaces (it runs in the VPC). */
  readonly subnetIds: string[];
  /** Security group of those interfaces. */
  readonly securityGroupId: string;
  /** Statements of the function's role, besides VPC access, its own logs and X-Ray writes. */
  readonly permissions: readonly Statement[];
  /** Environment variables; names and ids only, never secret values. */
  readonly environment: Readonly<Record<string, string>>;
  /** CMK of the environment variables. */
  readonly envKeyArn: string;
  /** CMK of the function's log group. */
  readonly logsKeyArn: string;
  /** Retention of the function's log group, days. */
  readonly logRetentionDays: number;
  /** Invocation timeout, seconds (the queue's visibility timeout accounts for it). */
  readonly timeoutSeconds: number;
  /** Reserved concurrency: the most instances of this function at once. */
  readonly reservedConcurrency: number;
  /** Memory, MB (CPU scales with it). @default 1024 */
  readonly memoryMb?: number;
}

/**
 * A Node 24 Lambda from the release bundle: in the VPC, X-Ray active, reserved concurrency,
 * environment encrypted with a CMK, its own encrypted log group. Terraform creates it at the
 * initial release and then leaves the code to the release command (ignore_changes on s3_key).
 */
export class NodeFunction extends Construct {
  public readonly arn: string;
  public readonly name: string;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const role = new IamRole(this, "role", {
      name: `${props.functionName}`.slice(0, 64),
      assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"),
    });
    // ENI management in the VPC and writing its own logs.
    new IamRolePolicyAttachment(this, "vpc-access", {
      role: role.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    });
    new IamRolePolicy(this, "policy", {
      name: "function",
      role: role.id,
      policy: policyDocument([
        ...props.permissions,
        {
          Effect: "Allow",
          Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          Resource: "*",
        },
      ]),
    });
    const logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKeyArn,
    });
    const fn = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description,
      role: role.arn,
      runtime: "nodejs24.x",
      architectures: ["x86_64"],
      handler: props.handler,
      s3Bucket: props.artifactsBucket,
      s3Key: releaseArtifactKey(props.initialReleaseVersion),
      memorySize: props.memoryMb ?? 1024,
      timeout: props.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency,
      kmsKeyArn: props.envKeyArn,
      environment: { variables: props.environment },
      vpcConfig: { subnetIds: props.subnetIds, securityGroupIds: [props.securityGroupId] },
      tracingConfig: { mode: "Active" },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      dependsOn: [logGroup],
      lifecycle: { ignoreChanges: ["s3_key", "s3_object_version"] },
    });
    this.arn = fn.arn;
    this.name = props.functionName;
  }
}
