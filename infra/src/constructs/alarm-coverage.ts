/**
 * The alarms that complete the seed's coverage (issue 15.3, 15.1, 15.2, 14.6): Redis, Lambda,
 * database connections, disk, availability, 401/429 spikes, and the business alarms of
 * alarm-business.ts. A declarative table; `alarmSpecs()` in observability.ts appends it.
 */
import { businessAlarms } from "./alarm-business.ts";
import type { AlarmSpec, AlarmTargets } from "./observability.ts";
import { AGENT_NAMESPACE } from "./user-data.ts";

/** Metrics the service log group's metric filters publish (observability.ts), no dimensions. */
export const LOG_METRICS = { unauthorized: "HttpUnauthorized", tooManyRequests: "HttpTooManyRequests" } as const;

/** One metric per id, combined with MAX(): "the worst of these" (cache nodes, fleet groups). */
function worstOf(
  namespace: string,
  metricName: string,
  stat: string,
  dimensionSets: readonly Record<string, string>[],
): Pick<AlarmSpec["metric"], "metricQuery"> {
  const ids = dimensionSets.map((_, i) => `m${i}`);
  return {
    metricQuery: [
      ...dimensionSets.map((dimensions, i) => ({
        id: ids[i]!,
        metric: { namespace, metricName, dimensions, stat, period: 300 },
      })),
      { id: "worst", expression: `MAX([${ids.join(", ")}])`, label: `${metricName} (worst)`, returnData: true },
    ],
  };
}

/** Redis: CPU, memory, evictions, connections, each on the worst node of the replication group. */
function redisAlarms(t: AlarmTargets): AlarmSpec[] {
  const nodes = t.cacheNodeIds.map((id) => ({ CacheClusterId: id }));
  const base = {
    runbook: "runbooks/redis.md",
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "missing",
  } as const;
  return [
    {
      ...base,
      id: "redis-cpu",
      severity: "warning",
      summary: "Redis engine CPU above 80% for 15 minutes: limiter and idempotency calls slow down",
      threshold: 80,
      evaluationPeriods: 3,
      metric: worstOf("AWS/ElastiCache", "EngineCPUUtilization", "Average", nodes),
    },
    {
      ...base,
      id: "redis-memory",
      severity: "warning",
      summary: "Redis memory above 80% of maxmemory for 15 minutes: evictions come next",
      threshold: 80,
      evaluationPeriods: 3,
      metric: worstOf("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Maximum", nodes),
    },
    {
      ...base,
      id: "redis-evictions",
      severity: "critical",
      summary: "Redis evicted keys: limiter windows and idempotency keys may be lost",
      threshold: 0,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metric: worstOf("AWS/ElastiCache", "Evictions", "Sum", nodes),
    },
    {
      ...base,
      id: "redis-connections",
      severity: "warning",
      summary: `More than ${t.cacheMaxConnections} Redis connections on a node for 10 minutes: a connection leak`,
      threshold: t.cacheMaxConnections,
      evaluationPeriods: 2,
      metric: worstOf("AWS/ElastiCache", "CurrConnections", "Maximum", nodes),
    },
  ];
}

/** The burst Lambda: errors and throttles. */
function lambdaAlarms(t: AlarmTargets): AlarmSpec[] {
  const fn = (metricName: string) => ({
    namespace: "AWS/Lambda",
    metricName,
    dimensions: { FunctionName: t.burstFunctionName },
    statistic: "Sum",
    period: 300,
  });
  const base = {
    runbook: "runbooks/lambda-failures.md",
    severity: "warning",
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
  } as const;
  return [
    {
      ...base,
      id: "lambda-errors",
      summary: "Burst consumer invocations failing (more than 5 in 5 minutes, twice)",
      threshold: 5,
      evaluationPeriods: 2,
      metric: fn("Errors"),
    },
    {
      ...base,
      id: "lambda-throttles",
      summary: "Burst consumer throttled for 15 minutes: reserved concurrency below the event source's",
      threshold: 0,
      evaluationPeriods: 3,
      metric: fn("Throttles"),
    },
  ];
}

/** Database connections, instance disk, availability (5xx ratio, healthy hosts). */
function capacityAlarms(t: AlarmTargets): AlarmSpec[] {
  const alb = (metricName: string) => ({
    namespace: "AWS/ApplicationELB",
    metricName,
    dimensions: { LoadBalancer: t.albArnSuffix },
    stat: "Sum",
    period: 300,
  });
  const connectionsLimit = Math.floor(t.dbMaxConnections * 0.8);
  return [
    {
      id: "rds-connections",
      runbook: "runbooks/db-connections.md",
      severity: "warning",
      summary: `RDS connections above 80% of max_connections (${connectionsLimit} of ${t.dbMaxConnections}) for 10 minutes`,
      threshold: connectionsLimit,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 2,
      treatMissingData: "missing",
      metric: {
        namespace: "AWS/RDS",
        metricName: "DatabaseConnections",
        dimensions: { DBInstanceIdentifier: t.dbInstanceId },
        statistic: "Maximum",
        period: 300,
      },
    },
    {
      id: "disk-full",
      runbook: "runbooks/disk-full.md",
      severity: "warning",
      summary: "An app instance's root volume above 80% used: logs or the release directory are filling it",
      threshold: 80,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 2,
      treatMissingData: "missing",
      metric: worstOf(
        AGENT_NAMESPACE,
        "disk_used_percent",
        "Maximum",
        t.fleetGroupNames.map((g) => ({ AutoScalingGroupName: g })),
      ),
    },
    {
      id: "alb-5xx-ratio",
      runbook: "runbooks/availability.md",
      severity: "critical",
      summary: "More than 5% of requests answered 5xx for 10 minutes (at least 20 requests)",
      threshold: 5,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 2,
      treatMissingData: "notBreaching",
      metric: {
        metricQuery: [
          { id: "requests", metric: alb("RequestCount") },
          { id: "elb", metric: alb("HTTPCode_ELB_5XX_Count") },
          { id: "target", metric: alb("HTTPCode_Target_5XX_Count") },
          {
            id: "ratio",
            // Below 20 requests a period, one error is no ratio: report 0.
            expression: "IF(FILL(requests, 0) >= 20, 100 * (FILL(elb, 0) + FILL(target, 0)) / requests, 0)",
            label: "5xx, % of requests",
            returnData: true,
          },
        ],
      },
    },
    {
      id: "alb-no-healthy-hosts",
      runbook: "runbooks/availability.md",
      severity: "critical",
      summary: "No healthy target behind the ALB for 2 minutes: NetSuite's uploads all fail",
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      evaluationPeriods: 2,
      treatMissingData: "breaching",
      metric: {
        namespace: "AWS/ApplicationELB",
        metricName: "HealthyHostCount",
        dimensions: { LoadBalancer: t.albArnSuffix, TargetGroup: t.targetGroupArnSuffix },
        statistic: "Minimum",
        period: 60,
      },
    },
  ];
}

/** 401 and 429 answers, counted from the service's request log by metric filters. */
function edgeAbuseAlarms(t: AlarmTargets): AlarmSpec[] {
  const logMetric = (metricName: string) => ({
    namespace: t.metricsNamespace,
    metricName,
    statistic: "Sum",
    period: 300,
  });
  const base = {
    runbook: "runbooks/auth-spikes.md",
    severity: "warning",
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
  } as const;
  return [
    {
      ...base,
      id: "http-401-spike",
      summary: "More than 50 answers 401 in 5 minutes: a rotated key not updated in NetSuite, or key guessing",
      threshold: 50,
      evaluationPeriods: 1,
      metric: logMetric(LOG_METRICS.unauthorized),
    },
    {
      ...base,
      id: "http-429-spike",
      summary: "More than 100 answers 429 in 5 minutes, twice: a client over its limit, or a lockout",
      threshold: 100,
      evaluationPeriods: 2,
      metric: logMetric(LOG_METRICS.tooManyRequests),
    },
  ];
}

/** Every alarm of this table. */
export function coverageAlarmSpecs(t: AlarmTargets): AlarmSpec[] {
  return [...redisAlarms(t), ...lambdaAlarms(t), ...capacityAlarms(t), ...edgeAbuseAlarms(t), ...businessAlarms(t)];
}
