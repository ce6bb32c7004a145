import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import t from "tap";
import { DASHBOARDS } from "../../src/constructs/dashboards.ts";
import { maxConnectionsFor } from "../../src/constructs/database.ts";
import { allEnvironments, type Json, resources, synth } from "../helpers.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** alarm id -> [threshold, comparison, runbook file from the cross-team contract] */
const expected = (
  maxInstances: number,
  freeStorageBytes: number,
  dbConnections80: number,
  zohoDailyQuota: number,
): Record<string, [number, string, string]> => ({
  "dlq-depth": [10, "GreaterThanThreshold", "runbooks/dlq-growing.md"],
  "alb-5xx": [10, "GreaterThanThreshold", "runbooks/alb-5xx.md"],
  "latency-p99": [2, "GreaterThanThreshold", "runbooks/latency-high.md"],
  "rds-cpu": [80, "GreaterThanThreshold", "runbooks/slow-database.md"],
  "rds-free-storage": [freeStorageBytes, "LessThanThreshold", "runbooks/rds-storage-low.md"],
  "queue-oldest-message": [900, "GreaterThanThreshold", "runbooks/queue-backlog.md"],
  "asg-at-max": [maxInstances, "GreaterThanOrEqualToThreshold", "runbooks/traffic-spike.md"],
  "worker-asg-at-max": [maxInstances, "GreaterThanOrEqualToThreshold", "runbooks/queue-backlog.md"],
  "az-unhealthy-targets": [1, "GreaterThanOrEqualToThreshold", "runbooks/az-failure.md"],
  "memory-high": [85, "GreaterThanThreshold", "runbooks/memory-leak.md"],
  "zoho-throttles": [20, "GreaterThanThreshold", "runbooks/zoho-throttling.md"],
  "zoho-token-refresh-failures": [1, "GreaterThanOrEqualToThreshold", "runbooks/zoho-token-refresh.md"],
  "redis-cpu": [80, "GreaterThanThreshold", "runbooks/redis.md"],
  "redis-memory": [80, "GreaterThanThreshold", "runbooks/redis.md"],
  "redis-evictions": [0, "GreaterThanThreshold", "runbooks/redis.md"],
  "redis-connections": [1000, "GreaterThanThreshold", "runbooks/redis.md"],
  "lambda-errors": [5, "GreaterThanThreshold", "runbooks/lambda-failures.md"],
  "lambda-throttles": [0, "GreaterThanThreshold", "runbooks/lambda-failures.md"],
  "rds-connections": [dbConnections80, "GreaterThanThreshold", "runbooks/db-connections.md"],
  "disk-full": [80, "GreaterThanThreshold", "runbooks/disk-full.md"],
  "alb-5xx-ratio": [5, "GreaterThanThreshold", "runbooks/availability.md"],
  "alb-no-healthy-hosts": [1, "LessThanThreshold", "runbooks/availability.md"],
  "http-401-spike": [50, "GreaterThanThreshold", "runbooks/auth-spikes.md"],
  "http-429-spike": [100, "GreaterThanThreshold", "runbooks/auth-spikes.md"],
  "failed-bills": [1, "GreaterThanOrEqualToThreshold", "runbooks/failed-bills.md"],
  "failed-bills-open": [1, "GreaterThanOrEqualToThreshold", "runbooks/failed-bills.md"],
  "bill-total-mismatch": [1, "GreaterThanOrEqualToThreshold", "runbooks/bill-total-mismatch.md"],
  "audit-default-partition": [0, "GreaterThanThreshold", "runbooks/audit-default-partition.md"],
  // 80% of the environment's plan: the same figure app.env hands the workers (app-settings.test.ts).
  "zoho-daily-quota": [zohoDailyQuota * 0.8, "GreaterThanOrEqualToThreshold", "runbooks/zoho-daily-quota.md"],
});

for (const config of allEnvironments) {
  const s = synth(config);
  const prefix = `bill-mw-${config.name}-`;
  const alarms = new Map(
    resources(s, "aws_cloudwatch_metric_alarm").map(([, p]) => [String(p.alarm_name).replace(prefix, ""), p]),
  );
  const topics = new Map(resources(s, "aws_sns_topic").map(([n, p]) => [n, String(p.name).replace(prefix, "")]));
  const topicOf = (ref: unknown) => topics.get(String(ref).replace(/^\$\{aws_sns_topic\.([^.]+)\.arn\}$/, "$1"));
  const want = expected(
    config.maxInstances,
    Math.round(config.dbAllocatedStorageGb * 0.1 * 1024 ** 3),
    Math.floor(maxConnectionsFor(config.dbInstanceClass) * 0.8),
    config.zohoDailyQuota,
  );

  t.test(`${config.name}: exactly the expected alarms (29, the seed asks for 15+)`, async (t) => {
    t.same([...alarms.keys()].sort(), Object.keys(want).sort());
    t.equal(alarms.size, 29);
  });

  for (const [id, [threshold, comparison, runbook]] of Object.entries(want)) {
    t.test(`${config.name}: alarm ${id}: threshold ${threshold}, runbook ${runbook} exists`, async (t) => {
      const a = alarms.get(id)!;
      t.equal(a.threshold, threshold);
      t.equal(a.comparison_operator, comparison);
      t.match(a.alarm_description, new RegExp(`Runbook: ${runbook.replace(".", "\\.")}$`));
      t.ok(existsSync(`${repoRoot}${runbook}`), `${runbook} is in the repository`);
      t.equal(a.actions_enabled, true);
      t.equal((a.alarm_actions as unknown[]).length, 1);
      t.ok(["critical", "warning"].includes(String(topicOf((a.alarm_actions as unknown[])[0]))));
    });
  }

  t.test(`${config.name}: the metrics behind the alarms`, async (t) => {
    t.match(alarms.get("dlq-depth"), {
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: `${prefix}bills-dlq` },
    });
    t.match(alarms.get("latency-p99"), { metric_name: "TargetResponseTime", extended_statistic: "p99" });
    t.match(alarms.get("rds-cpu"), { namespace: "AWS/RDS", metric_name: "CPUUtilization" });
    t.match(alarms.get("rds-free-storage"), { metric_name: "FreeStorageSpace" });
    t.match(alarms.get("queue-oldest-message"), {
      metric_name: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: `${prefix}bills` },
    });
    // One at-max alarm per tier, each on its own group.
    t.match(alarms.get("asg-at-max"), {
      namespace: "AWS/AutoScaling",
      metric_name: "GroupInServiceInstances",
      dimensions: { AutoScalingGroupName: `${prefix}app` },
    });
    t.match(alarms.get("worker-asg-at-max"), {
      namespace: "AWS/AutoScaling",
      metric_name: "GroupInServiceInstances",
      dimensions: { AutoScalingGroupName: `${prefix}worker` },
    });
    t.match(alarms.get("zoho-throttles"), {
      namespace: "BillMiddleware",
      metric_name: "ZohoThrottles",
      dimensions: { Environment: config.name },
    });
    t.match(alarms.get("memory-high"), {
      namespace: "CWAgent",
      metric_name: "mem_used_percent",
      dimensions: { AutoScalingGroupName: `${prefix}app` },
      statistic: "Maximum",
      period: 300,
      evaluation_periods: 3,
    });
    t.equal(topicOf((alarms.get("memory-high")!.alarm_actions as unknown[])[0]), "warning");
    t.match(alarms.get("zoho-token-refresh-failures"), {
      namespace: "BillMiddleware",
      metric_name: "ZohoTokenRefreshFailures",
    });
    const fiveXx = (alarms.get("alb-5xx")!.metric_query as Json[]).map(
      (q) => (q.metric as Json | undefined)?.metric_name ?? q.expression,
    );
    t.same(fiveXx, ["HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "FILL(elb, 0) + FILL(target, 0)"]);
  });

  t.test(`${config.name}: critical, warning and info topics, encrypted`, async (t) => {
    t.same([...topics.values()].sort(), ["critical", "info", "warning"]);
    for (const [, p] of resources(s, "aws_sns_topic")) t.match(p.kms_master_key_id, /aws_kms_key\.key-messaging_key/);
    t.equal(
      topicOf(alarms.get("dlq-depth")!.alarm_actions && (alarms.get("dlq-depth")!.alarm_actions as unknown[])[0]),
      "critical",
    );
    t.equal(topicOf((alarms.get("latency-p99")!.alarm_actions as unknown[])[0]), "warning");
    const [, note] = resources(s, "aws_autoscaling_notification")[0]!;
    t.equal(topicOf(note.topic_arn), "info", "fleet launches and terminations go to the info feed");
  });

  t.test(`${config.name}: infrastructure, application and business dashboards`, async (t) => {
    const dashboards = resources(s, "aws_cloudwatch_dashboard").map(([, p]) => p);
    t.same(dashboards.map((d) => String(d.dashboard_name).replace(prefix, "")).sort(), [...DASHBOARDS].sort());
    for (const d of dashboards) {
      const body = JSON.parse(String(d.dashboard_body).replace(/\$\{[^}]+\}/g, "ref")) as { widgets: unknown[] };
      t.ok(body.widgets.length >= 3, String(d.dashboard_name));
    }
    const infra = dashboards.find((d) => String(d.dashboard_name).endsWith("infrastructure"))!;
    for (const tier of ["app", "worker"]) {
      for (const metric of ['"AWS/AutoScaling","GroupInServiceInstances"', '"AWS/EC2","CPUUtilization"'])
        t.match(infra.dashboard_body, `[${metric},"AutoScalingGroupName","${prefix}${tier}"]`, `${tier} tier charted`);
    }
    const app = dashboards.find((d) => String(d.dashboard_name).endsWith("application"))!;
    for (const m of ["IngestLatency", "PDFProcessingTime", "ZohoAPISuccessRate", "ZohoThrottles"])
      t.match(app.dashboard_body, m);
    const business = dashboards.find((d) => String(d.dashboard_name).endsWith("business"))!;
    t.match(business.dashboard_body, /"FailedBillsOpen"/, "failed bills waiting for finance");
    t.match(business.dashboard_body, /"PDFsProcessed","Environment","[a-z]+","Outcome","failed"/);
  });
}
