/**
 * IAM statements of each role the stack creates for the application, one function per role, so
 * each role's permissions read as one list. The roles' own constructs (Compute, NodeFunction) add
 * only what every such role needs (SSM core, VPC access, X-Ray for Lambda).
 */
import type { Statement } from "../constructs/iam.ts";
import { AGENT_NAMESPACE } from "../constructs/user-data.ts";

/** What the service and the worker touch; the ARNs come from the stack's constructs. */
export interface WorkloadResources {
  readonly incomingBucketArn: string;
  readonly processedBucketArn: string;
  readonly queueArn: string;
  readonly dlqArn: string;
  /** Secrets both processes read: Zoho OAuth, API keys, Redis AUTH, token key, RDS master secret. */
  readonly secretArns: readonly string[];
  /** CMKs of the data they read and write: storage, messaging, secrets, data. */
  readonly keyArns: readonly string[];
  /** lib/config.ts METRICS_NAMESPACE. */
  readonly metricsNamespace: string;
}

/** What only the app instances touch, beyond the workload. */
export interface AppInstanceResources extends WorkloadResources {
  readonly artifactsBucketArn: string;
  readonly releaseParameterArn: string;
  readonly adminApiKeysSecretArn: string;
  /** ARNs of the log groups the CloudWatch agent writes the units' output to. */
  readonly agentLogGroupArns: readonly string[];
}

/** ARN of a log group's streams, as CreateLogStream and PutLogEvents need it. */
export const logGroupStreamsArn = (region: string, accountId: string, name: string): string =>
  `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;

/** What the service and the worker do, and nothing else (shared by the instances and the burst Lambda). */
export function workloadStatements(r: WorkloadResources): Statement[] {
  return [
    {
      Sid: "PdfObjects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: [`${r.incomingBucketArn}/*`, `${r.processedBucketArn}/*`],
    },
    {
      // A concurrent duplicate that loses the unique-index race deletes exactly the version it
      // wrote (service/src/ingest/ingest-service.ts). Incoming only: processed is Object Locked.
      Sid: "DiscardLostDuplicate",
      Effect: "Allow",
      Action: "s3:DeleteObjectVersion",
      Resource: `${r.incomingBucketArn}/*`,
    },
    {
      Sid: "BillQueue",
      Effect: "Allow",
      Action: [
        "sqs:SendMessage",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
      ],
      Resource: r.queueArn,
    },
    { Sid: "DlqDepth", Effect: "Allow", Action: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl"], Resource: r.dlqArn },
    { Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: r.secretArns },
    { Sid: "UseKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: r.keyArns },
    {
      Sid: "Metrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*", // PutMetricData has no resource type; the namespace condition scopes it
      Condition: { StringEquals: { "cloudwatch:namespace": r.metricsNamespace } },
    },
  ];
}

/** The app instances' role (`Compute`): the workload, the release, the admin keys, the CloudWatch agent, X-Ray. */
export function appInstanceStatements(r: AppInstanceResources): Statement[] {
  return [
    ...workloadStatements(r),
    { Sid: "ReleaseBundle", Effect: "Allow", Action: "s3:GetObject", Resource: `${r.artifactsBucketArn}/releases/*` },
    { Sid: "ReleaseVersion", Effect: "Allow", Action: "ssm:GetParameter", Resource: r.releaseParameterArn },
    // Only the service reads the admin keys (the burst Lambda runs the worker only).
    { Sid: "AdminKeys", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: r.adminApiKeysSecretArn },
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

/** The burst consumer Lambda's role (`BurstConsumer`): the workload only (it runs the worker). */
export function burstConsumerStatements(r: WorkloadResources): Statement[] {
  return workloadStatements(r);
}
