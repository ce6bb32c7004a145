import { AutoscalingNotification } from "@cdktf/provider-aws/lib/autoscaling-notification/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import { Construct } from "constructs";
import { AGENT_NAMESPACE } from "./user-data.ts";

/** The units' log groups (the CloudWatch agent ships to them; the runbooks query them). */
export const appLogGroupNames = (namePrefix: string) => ({
  service: `/bill-mw/${namePrefix}/service`,
  worker: `/bill-mw/${namePrefix}/worker`,
});

export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Everything an alarm needs from the rest of the stack. */
export interface AlarmTargets {
  readonly environment: string;
  readonly metricsNamespace: string;
  readonly queueName: string;
  readonly dlqName: string;
  readonly albArnSuffix: string;
  readonly targetGroupArnSuffix: string;
  readonly dbInstanceId: string;
  readonly autoScalingGroupName: string;
  readonly maxInstances: number;
  /** FreeStorageSpace below this many bytes pages (runbooks/rds-storage-low.md). */
  readonly dbFreeStorageBytes: number;
}

/** One alarm: its runbook (a file under runbooks/, from the cross-team contract) and its metric. */
export interface AlarmSpec {
  readonly id: string;
  readonly runbook: string;
  readonly severity: Exclude<Severity, "info">;
  readonly summary: string;
  readonly threshold: number;
  readonly comparisonOperator: string;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: "notBreaching" | "breaching" | "missing";
  readonly metric: Pick<
    CloudwatchMetricAlarmConfig,
    "namespace" | "metricName" | "dimensions" | "statistic" | "extendedStatistic" | "period" | "metricQuery"
  >;
}

/** The alarms, as data: the tests read the same list the stack builds from. */
export function alarmSpecs(t: AlarmTargets): AlarmSpec[] {
  const app = (metricName: string, extra: Record<string, string> = {}) => ({
    namespace: t.metricsNamespace,
    metricName,
    dimensions: { Environment: t.environment, ...extra },
    statistic: "Sum",
    period: 300,
  });
  return [
    {
      id: "dlq-depth",
      runbook: "runbooks/dlq-growing.md",
      severity: "critical",
      summary: "More than 10 bills in the dead-letter queue: deliveries are failing permanently",
      threshold: 10,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: t.dlqName },
        statistic: "Maximum",
        period: 300,
      },
    },
    {
      id: "alb-5xx",
      runbook: "runbooks/alb-5xx.md",
      severity: "critical",
      summary: "More than 10 HTTP 5xx answers (ALB or targets) in 5 minutes: NetSuite uploads are failing",
      threshold: 10,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metric: {
        metricQuery: [
          {
            id: "elb",
            metric: {
              namespace: "AWS/ApplicationELB",
              metricName: "HTTPCode_ELB_5XX_Count",
              dimensions: { LoadBalancer: t.albArnSuffix },
              stat: "Sum",
              period: 300,
            },
          },
          {
            id: "target",
            metric: {
              namespace: "AWS/ApplicationELB",
              metricName: "HTTPCode_Target_5XX_Count",
              dimensions: { LoadBalancer: t.albArnSuffix },
              stat: "Sum",
              period: 300,
            },
          },
          { id: "total", expression: "FILL(elb, 0) + FILL(target, 0)", label: "5xx answers", returnData: true },
        ],
      },
    },
    {
      id: "latency-p99",
      runbook: "runbooks/latency-high.md",
      severity: "warning",
      summary: "Target p99 response time above 2 s for 15 minutes: ingest is slow for NetSuite",
      threshold: 2,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 3,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/ApplicationELB",
        metricName: "TargetResponseTime",
        dimensions: { LoadBalancer: t.albArnSuffix },
        extendedStatistic: "p99",
        period: 300,
      },
    },
    {
      id: "rds-cpu",
      runbook: "runbooks/slow-database.md",
      severity: "warning",
      summary: "RDS CPU above 80% for 15 minutes",
      threshold: 80,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 3,
      treatMissingData: "missing",
      metric: {
        namespace: "AWS/RDS",
        metricName: "CPUUtilization",
        dimensions: { DBInstanceIdentifier: t.dbInstanceId },
        statistic: "Average",
        period: 300,
      },
    },
    {
      id: "rds-free-storage",
      runbook: "runbooks/rds-storage-low.md",
      severity: "critical",
      summary: `RDS free storage below ${t.dbFreeStorageBytes / 1024 ** 3} GiB`,
      threshold: t.dbFreeStorageBytes,
      comparisonOperator: "LessThanThreshold",
      evaluationPeriods: 1,
      treatMissingData: "missing",
      metric: {
        namespace: "AWS/RDS",
        metricName: "FreeStorageSpace",
        dimensions: { DBInstanceIdentifier: t.dbInstanceId },
        statistic: "Minimum",
        period: 300,
      },
    },
    {
      id: "queue-oldest-message",
      runbook: "runbooks/queue-backlog.md",
      severity: "warning",
      summary: "Oldest bill waiting more than 15 minutes: delivery is falling behind",
      threshold: 900,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 2,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: { QueueName: t.queueName },
        statistic: "Maximum",
        period: 300,
      },
    },
    {
      id: "asg-at-max",
      runbook: "runbooks/traffic-spike.md",
      severity: "warning",
      summary: `App fleet at its maximum (${t.maxInstances} instances) for 15 minutes`,
      threshold: t.maxInstances,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 3,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/AutoScaling",
        metricName: "GroupInServiceInstances",
        dimensions: { AutoScalingGroupName: t.autoScalingGroupName },
        statistic: "Minimum",
        period: 300,
      },
    },
    {
      id: "az-unhealthy-targets",
      runbook: "runbooks/az-failure.md",
      severity: "warning",
      summary: "Unhealthy targets behind the ALB for 10 minutes (an instance or an AZ is failing)",
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 2,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/ApplicationELB",
        metricName: "UnHealthyHostCount",
        dimensions: { LoadBalancer: t.albArnSuffix, TargetGroup: t.targetGroupArnSuffix },
        statistic: "Maximum",
        period: 300,
      },
    },
    {
      id: "memory-high",
      runbook: "runbooks/memory-leak.md",
      severity: "warning",
      summary: "An app instance above 85% memory used for 15 minutes: a process may be leaking",
      threshold: 85,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 3,
      treatMissingData: "missing",
      metric: {
        // CloudWatch agent, aggregated per fleet: Maximum is the fullest instance.
        namespace: AGENT_NAMESPACE,
        metricName: "mem_used_percent",
        dimensions: { AutoScalingGroupName: t.autoScalingGroupName },
        statistic: "Maximum",
        period: 300,
      },
    },
    {
      id: "zoho-throttles",
      runbook: "runbooks/zoho-throttling.md",
      severity: "warning",
      summary: "More than 20 Zoho 429 answers in 5 minutes for 10 minutes: the fleet limiter is off",
      threshold: 20,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 2,
      treatMissingData: "notBreaching",
      metric: app("ZohoThrottles"),
    },
    {
      id: "zoho-token-refresh-failures",
      runbook: "runbooks/zoho-token-refresh.md",
      severity: "critical",
      summary: "Zoho OAuth token refresh failing: no bill can be delivered",
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metric: app("ZohoTokenRefreshFailures"),
    },
  ];
}

/** Every prop is required (no defaults). */
export interface ObservabilityProps {
  /** Prefix of the topics, alarms and the units' log groups. */
  readonly namePrefix: string;
  /** The resources and thresholds the alarms watch. */
  readonly targets: AlarmTargets;
  /** CMK of the topics (CloudWatch may use it to publish). */
  readonly messagingKeyArn: string;
  /** CMK of the units' log groups. */
  readonly logsKeyArn: string;
  /** Retention of the units' log groups, days. */
  readonly logRetentionDays: number;
  /** E-mail subscribers of the critical and warning topics (each confirms once). */
  readonly alarmEmails: { readonly critical: readonly string[]; readonly warning: readonly string[] };
}

/**
 * SNS topics by severity (critical pages, warning tickets, info is a feed: fleet launches and
 * terminations, rotations), the services' log groups, and one alarm per failure mode, each
 * naming its runbook in the description.
 */
export class Observability extends Construct {
  public readonly topicArns: Record<Severity, string>;
  public readonly logGroupNames: { service: string; worker: string };

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { namePrefix, targets } = props;
    const topics = Object.fromEntries(
      SEVERITIES.map((s) => [
        s,
        new SnsTopic(this, `topic-${s}`, { name: `${namePrefix}-${s}`, kmsMasterKeyId: props.messagingKeyArn }),
      ]),
    ) as Record<Severity, SnsTopic>;
    this.topicArns = { critical: topics.critical.arn, warning: topics.warning.arn, info: topics.info.arn };
    for (const severity of ["critical", "warning"] as const) {
      props.alarmEmails[severity].forEach((endpoint, i) => {
        new SnsTopicSubscription(this, `email-${severity}-${i}`, {
          topicArn: topics[severity].arn,
          protocol: "email",
          endpoint,
        });
      });
    }

    this.logGroupNames = appLogGroupNames(namePrefix);
    for (const [kind, name] of Object.entries(this.logGroupNames)) {
      new CloudwatchLogGroup(this, `logs-${kind}`, {
        name,
        retentionInDays: props.logRetentionDays,
        kmsKeyId: props.logsKeyArn,
      });
    }

    for (const spec of alarmSpecs(targets)) {
      const topic = topics[spec.severity].arn;
      new CloudwatchMetricAlarm(this, `alarm-${spec.id}`, {
        alarmName: `${namePrefix}-${spec.id}`,
        alarmDescription: `${spec.summary}. Runbook: ${spec.runbook}`,
        threshold: spec.threshold,
        comparisonOperator: spec.comparisonOperator,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods,
        treatMissingData: spec.treatMissingData,
        actionsEnabled: true,
        alarmActions: [topic],
        okActions: [topic],
        ...spec.metric,
      });
    }

    new AutoscalingNotification(this, "fleet-events", {
      groupNames: [targets.autoScalingGroupName],
      topicArn: topics.info.arn,
      notifications: [
        "autoscaling:EC2_INSTANCE_LAUNCH",
        "autoscaling:EC2_INSTANCE_TERMINATE",
        "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
        "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
      ],
    });
  }
}
