/**
 * IAM statements of each role the stack creates, one function per role. A process's statements
 * come from its action list beside its code (service/src/aws-permissions.ts and the like, typed by
 * lib/aws-actions.ts): this module only maps each listed resource to ARNs. What the instances need
 * at boot (release, secrets of the tier, CloudWatch agent, X-Ray) is listed here, beside the boot
 * script's construct. The roles' own constructs add only what every such role needs (SSM core,
 * VPC access, X-Ray for Lambda).
 */

import { BURST_LAMBDA_GRANTS, DELIVERY_WORKER_GRANTS } from "../../../consumer/src/aws-permissions.ts";
import type { AwsGrant, AwsResource } from "../../../lib/aws-actions.ts";
import { ONCALL_GRANTS } from "../../../scripts/ops/aws-permissions.ts";
import { RELEASE_GRANTS } from "../../../scripts/release/aws-permissions.ts";
import { INGEST_SERVICE_GRANTS } from "../../../service/src/aws-permissions.ts";
import { ROTATION_GRANTS } from "../../functions/aws-permissions.ts";
import type { Statement } from "../constructs/iam.ts";
import { AGENT_NAMESPACE } from "../constructs/user-data.ts";

/** ARNs of each resource a list may name; `metrics` is the namespace PutMetricData is limited to. */
export type ResourceArns = Readonly<Record<Exclude<AwsResource, "metrics">, readonly string[]>> & {
  readonly metricsNamespace: string;
};

/** ARN of a log group's streams, as CreateLogStream and PutLogEvents need it. */
export const logGroupStreamsArn = (region: string, accountId: string, name: string): string =>
  `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;

const one = (arns: readonly string[]): string | readonly string[] => (arns.length === 1 ? arns[0]! : arns);

/** A process's list as statements: one per grant, its resource mapped to ARNs. */
export function grantStatements(grants: readonly AwsGrant[], arns: ResourceArns): Statement[] {
  return grants.map((g) => {
    const Action = g.actions.length === 1 ? g.actions[0]! : g.actions;
    if (g.resource === "metrics") {
      return {
        Sid: g.sid,
        Effect: "Allow",
        Action,
        Resource: "*", // PutMetricData has no resource type; the namespace condition scopes it
        Condition: { StringEquals: { "cloudwatch:namespace": arns.metricsNamespace } },
      };
    }
    const resources = arns[g.resource];
    if (resources.length === 0) throw new Error(`grant ${g.sid}: no ARN for ${g.resource}`);
    return { Sid: g.sid, Effect: "Allow", Action, Resource: one(resources) };
  });
}

/** What an instance of a tier needs besides its processes: its boot script, the agent, X-Ray. */
export interface InstanceResources {
  readonly artifactsBucketArn: string;
  readonly releaseParameterArn: string;
  /** Secrets the tier's pre-start script reads (user-data-secrets.ts), exactly. */
  readonly bootSecretArns: readonly string[];
  readonly secretsKeyArn: string;
  /** ARNs of the log groups the CloudWatch agent writes the tier's units' output to. */
  readonly agentLogGroupArns: readonly string[];
}

/** The boot script's and the agent's statements (user-data.ts). */
export function instanceStatements(r: InstanceResources): Statement[] {
  return [
    { Sid: "ReleaseBundle", Effect: "Allow", Action: "s3:GetObject", Resource: `${r.artifactsBucketArn}/releases/*` },
    { Sid: "ReleaseVersion", Effect: "Allow", Action: "ssm:GetParameter", Resource: r.releaseParameterArn },
    { Sid: "BootSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: r.bootSecretArns },
    { Sid: "BootSecretsKey", Effect: "Allow", Action: "kms:Decrypt", Resource: r.secretsKeyArn },
    // CloudWatch agent: the units' logs to their groups, memory metrics to its own namespace.
    {
      Sid: "AgentLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: r.agentLogGroupArns,
    },
    {
      Sid: "AgentMetrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*", // no resource type; the namespace condition scopes it
      Condition: { StringEquals: { "cloudwatch:namespace": AGENT_NAMESPACE } },
    },
    {
      Sid: "AgentAsgDimension",
      Effect: "Allow",
      Action: "ec2:DescribeTags", // the agent's AutoScalingGroupName dimension; no resource-level permissions
      Resource: "*",
    },
    {
      Sid: "Tracing",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
      Resource: "*",
    },
  ];
}

/** The ingest tier's role: the service's list and the instance's needs. */
export function ingestTierStatements(arns: ResourceArns, instance: InstanceResources): Statement[] {
  return [...grantStatements(INGEST_SERVICE_GRANTS, arns), ...instanceStatements(instance)];
}

/** The worker tier's role: the worker's list and the instance's needs. */
export function workerTierStatements(arns: ResourceArns, instance: InstanceResources): Statement[] {
  return [...grantStatements(DELIVERY_WORKER_GRANTS, arns), ...instanceStatements(instance)];
}

/**
 * The single-tier option's role: both processes' lists (Sids prefixed to stay unique) and the
 * instance's needs. This is the separation the option gives up (environments.ts FleetLayout).
 */
export function singleTierStatements(arns: ResourceArns, instance: InstanceResources): Statement[] {
  const prefixed = (prefix: string, statements: Statement[]) =>
    statements.map((s) => ({ ...s, Sid: `${prefix}${s.Sid}` }));
  return [
    ...prefixed("Ingest", grantStatements(INGEST_SERVICE_GRANTS, arns)),
    ...prefixed("Worker", grantStatements(DELIVERY_WORKER_GRANTS, arns)),
    ...instanceStatements(instance),
  ];
}

/** The burst consumer Lambda's role (`BurstConsumer`): the Lambda's list only. */
export const burstConsumerStatements = (arns: ResourceArns): Statement[] => grantStatements(BURST_LAMBDA_GRANTS, arns);

/** The secret-rotation Lambda's role (`SecretRotation`). */
export const rotationStatements = (arns: ResourceArns): Statement[] => grantStatements(ROTATION_GRANTS, arns);

/** The release role (`OperatorRole` "release"): what scripts/release/release.ts sends. */
export const releaseStatements = (arns: ResourceArns): Statement[] => grantStatements(RELEASE_GRANTS, arns);

/** Where on-call may open a Session Manager shell: worker-tier instances only (their `Tier` tag). */
export interface SessionResources {
  readonly region: string;
  readonly accountId: string;
  readonly tier: string;
}

/**
 * The on-call role (`OperatorRole` "oncall"): what scripts/ops/ sends, and a Session Manager shell on
 * a worker instance (where `bill-mw-ops` runs) that the operator may end or resume only as their own.
 */
export function oncallStatements(arns: ResourceArns, s: SessionResources): Statement[] {
  return [
    ...grantStatements(ONCALL_GRANTS, arns),
    {
      Sid: "SessionOnWorkers",
      Effect: "Allow",
      Action: "ssm:StartSession",
      Resource: `arn:aws:ec2:${s.region}:${s.accountId}:instance/*`,
      Condition: { StringEquals: { "ssm:resourceTag/Tier": s.tier } },
    },
    {
      Sid: "SessionDocument",
      Effect: "Allow",
      Action: "ssm:StartSession",
      Resource: `arn:aws:ssm:${s.region}:${s.accountId}:document/SSM-SessionManagerRunShell`,
    },
    {
      Sid: "OwnSessions",
      Effect: "Allow",
      Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
      Resource: `arn:aws:ssm:${s.region}:${s.accountId}:session/$\${aws:userid}-*`,
    },
  ];
}
