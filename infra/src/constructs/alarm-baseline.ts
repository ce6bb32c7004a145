/**
 * The stack's first alarms (issue 4): DLQ, ALB 5xx, latency, RDS CPU and storage, queue age, fleet
 * at max, unhealthy targets, memory, Zoho throttles and token refresh. A declarative table;
 * `alarmSpecs()` in observability.ts starts with it.
 */
import type { AlarmSpec, AlarmTargets } from "./observability.ts";
import { AGENT_NAMESPACE } from "./user-data.ts";

/** The first eleven alarms: queue, edge latency and errors, database, fleet, Zoho. */
export function baselineAlarmSpecs(t: AlarmTargets): AlarmSpec[] {
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
    ...fleetAtMaxSpecs(t),
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

/**
 * One "at its maximum" alarm per tier, each with its runbook: the ingest (or single) tier keeps the
 * id `asg-at-max` (its Terraform address predates the tiers); every other fleet group is the worker
 * tier, whose maximum means the backlog outgrows what the fleet can drain.
 */
function fleetAtMaxSpecs(t: AlarmTargets): AlarmSpec[] {
  const atMax = (group: string) => ({
    threshold: t.maxInstances,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    evaluationPeriods: 3,
    treatMissingData: "notBreaching" as const,
    metric: {
      namespace: "AWS/AutoScaling",
      metricName: "GroupInServiceInstances",
      dimensions: { AutoScalingGroupName: group },
      statistic: "Minimum",
      period: 300,
    },
  });
  const workers = t.fleetGroupNames.filter((g) => g !== t.autoScalingGroupName);
  return [
    {
      id: "asg-at-max",
      runbook: "runbooks/traffic-spike.md",
      severity: "warning",
      summary: `${workers.length ? "Ingest tier" : "App fleet"} (${t.autoScalingGroupName}) at its maximum (${t.maxInstances} instances) for 15 minutes`,
      ...atMax(t.autoScalingGroupName),
    },
    ...workers.map(
      (group): AlarmSpec => ({
        id: "worker-asg-at-max",
        runbook: "runbooks/queue-backlog.md",
        severity: "warning",
        summary: `Worker tier (${group}) at its maximum (${t.maxInstances} instances) for 15 minutes`,
        ...atMax(group),
      }),
    ),
  ];
}
