import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { Construct } from "constructs";
import { releaseArtifactKey } from "../../../lib/naming.ts";
import { assumeRolePolicy, policyDocument, type Statement } from "./iam.ts";

export interface NodeFunctionProps {
  readonly functionName: string;
  readonly description: string;
  /** `<file>.<export>` inside the release bundle, e.g. `lambda.handler`. */
  readonly handler: string;
  readonly artifactsBucket: string;
  /** Release deployed at creation; later releases update the code (scripts/release/cli.ts). */
  readonly initialReleaseVersion: string;
  readonly subnetIds: string[];
  readonly securityGroupId: string;
  readonly permissions: readonly Statement[];
  readonly environment: Record<string, string>;
  /** CMK for environment variables and the log group. */
  readonly envKeyArn: string;
  readonly logsKeyArn: string;
  readonly logRetentionDays: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency: number;
  /** @default 1024 */
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
