/**
 * The seed's alarm coverage on the synthesized stacks: each new alarm watches the metric that is
 * really emitted (AWS's, the CloudWatch agent's, or the one consumer/src records), paging targets
 * are optional HTTPS subscriptions, and the 401/429 counts come from metric filters.
 */
import t from "tap";
import { maxConnectionsFor } from "../../src/constructs/database.ts";
import { Observability, type ObservabilityProps } from "../../src/constructs/observability.ts";
import { agentConfig } from "../../src/constructs/user-data.ts";
import { allEnvironments, type Json, resources, staging, synth, synthAlone } from "../helpers.ts";

for (const config of allEnvironments) {
  const s = synth(config);
  const prefix = `bill-mw-${config.name}-`;
  const alarms = new Map(
    resources(s, "aws_cloudwatch_metric_alarm").map(([, p]) => [String(p.alarm_name).replace(prefix, ""), p]),
  );
  const queries = (id: string) => alarms.get(id)!.metric_query as Json[];
  const dims = (id: string) => queries(id).flatMap((q) => (q.metric ? [(q.metric as Json).dimensions] : []));

  t.test(`${config.name}: Redis alarms watch every node of the replication group`, async (t) => {
    const nodes = Array.from({ length: config.cacheNodes }, (_, i) => ({
      CacheClusterId: `${prefix}redis-00${i + 1}`,
    }));
    for (const [id, metric] of [
      ["redis-cpu", "EngineCPUUtilization"],
      ["redis-memory", "DatabaseMemoryUsagePercentage"],
      ["redis-evictions", "Evictions"],
      ["redis-connections", "CurrConnections"],
    ] as const) {
      t.same(dims(id), nodes, `${id}: one metric per node`);
      t.match(queries(id)[0], { metric: { namespace: "AWS/ElastiCache", metric_name: metric } });
      t.match(queries(id).at(-1), {
        expression: `MAX([${nodes.map((_, i) => `m${i}`).join(", ")}])`,
        return_data: true,
      });
    }
  });

  t.test(`${config.name}: Lambda, database connections, disk`, async (t) => {
    t.match(alarms.get("lambda-errors"), {
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      dimensions: { FunctionName: `${prefix}burst-consumer` },
    });
    t.match(alarms.get("lambda-throttles"), { metric_name: "Throttles" });
    const max = maxConnectionsFor(config.dbInstanceClass);
    t.match(alarms.get("rds-connections"), { metric_name: "DatabaseConnections", threshold: Math.floor(max * 0.8) });
    const [, params] = resources(s, "aws_db_parameter_group")[0]!;
    t.match(params.parameter, [{}, {}, {}, {}, {}, {}, {}, { name: "max_connections", value: String(max) }]);
    const groups = config.fleet === "two-tier" ? [`${prefix}app`, `${prefix}worker`] : [`${prefix}app`];
    t.same(
      dims("disk-full"),
      groups.map((g) => ({ AutoScalingGroupName: g })),
      "disk of every tier",
    );
    t.match(queries("disk-full")[0], { metric: { namespace: "CWAgent", metric_name: "disk_used_percent" } });
  });

  t.test(`${config.name}: availability: 5xx ratio over at least 20 requests, no healthy host`, async (t) => {
    const names = queries("alb-5xx-ratio").map((q) => (q.metric as Json | undefined)?.metric_name ?? q.expression);
    t.same(names, [
      "RequestCount",
      "HTTPCode_ELB_5XX_Count",
      "HTTPCode_Target_5XX_Count",
      "IF(FILL(requests, 0) >= 20, 100 * (FILL(elb, 0) + FILL(target, 0)) / requests, 0)",
    ]);
    t.match(alarms.get("alb-no-healthy-hosts"), {
      metric_name: "HealthyHostCount",
      statistic: "Minimum",
      treat_missing_data: "breaching",
    });
  });

  t.test(`${config.name}: 401 and 429 counted by metric filters on the service log`, async (t) => {
    const filters = resources(s, "aws_cloudwatch_log_metric_filter").map(([, p]) => p);
    t.same(filters.map((f) => f.pattern).sort(), ["{ $.statusCode = 401 }", "{ $.statusCode = 429 }"]);
    for (const f of filters) t.equal(f.log_group_name, `/bill-mw/${prefix.slice(0, -1)}/service`);
    const metricOf = (id: string) => alarms.get(id)!.metric_name;
    t.same(
      filters.map((f) => (f.metric_transformation as Json).name).sort(),
      [metricOf("http-401-spike"), metricOf("http-429-spike")].sort(),
    );
  });

  t.test(
    `${config.name}: failed bills, audit DEFAULT rows, Zoho quota: the metrics consumer/src records`,
    async (t) => {
      const app = { namespace: "BillMiddleware", dimensions: { Environment: config.name } };
      t.match(alarms.get("failed-bills"), { ...app, metric_name: "PDFsProcessed", dimensions: { Outcome: "failed" } });
      t.match(alarms.get("failed-bills-open"), { ...app, metric_name: "FailedBillsOpen", period: 600 });
      t.match(alarms.get("audit-default-partition"), {
        ...app,
        metric_name: "AuditDefaultPartitionRows",
        period: 43_200,
        treat_missing_data: "breaching",
      });
      // consumer/src/delivery/total-check.ts records it when Zoho's total differs from NetSuite's.
      t.match(alarms.get("bill-total-mismatch"), { ...app, metric_name: "BillTotalMismatch", statistic: "Sum" });
      t.match(alarms.get("zoho-daily-quota"), {
        ...app,
        metric_name: "ZohoDailyCallsUsed",
        threshold: config.zohoDailyQuota * 0.8,
      });
    },
  );

  t.test(`${config.name}: no HTTPS paging subscription unless configured`, async (t) => {
    const protocols = resources(s, "aws_sns_topic_subscription").map(([, p]) => p.protocol);
    t.same([...new Set(protocols)], ["email"]);
  });
}

const observabilityProps = (paging: ObservabilityProps["paging"]): ObservabilityProps => ({
  namePrefix: "bill-mw-x",
  targets: {
    environment: "x",
    metricsNamespace: "BillMiddleware",
    queueName: "q",
    dlqName: "dlq",
    albArnSuffix: "app/x/1",
    targetGroupArnSuffix: "targetgroup/x/1",
    dbInstanceId: "db",
    autoScalingGroupName: "asg",
    maxInstances: 4,
    dbFreeStorageBytes: 1,
    dbMaxConnections: 100,
    cacheNodeIds: ["r-001"],
    cacheMaxConnections: 1000,
    burstFunctionName: "burst",
    fleetGroupNames: ["asg"],
    zohoDailyQuota: 1000,
  },
  messagingKeyArn: "arn:aws:kms:us-east-1:1:key/m",
  logsKeyArn: "arn:aws:kms:us-east-1:1:key/l",
  logRetentionDays: 365,
  alarmEmails: { critical: ["a@example.com"], warning: ["b@example.com"] },
  paging,
});

t.test("paging: the pager gets critical, the chat channel critical and warning, over HTTPS", async (t) => {
  const out = synthAlone((stack) => {
    new Observability(
      stack,
      "o",
      observabilityProps({ pagerUrl: "https://pager.example/h", chatUrl: "https://chat.example/h" }),
    );
  });
  const https = resources(out, "aws_sns_topic_subscription")
    .filter(([, p]) => p.protocol === "https")
    .map(([, p]) => `${p.endpoint} ${String(p.topic_arn).match(/topic-([a-z]+)/)?.[1]}`);
  t.same(https.sort(), [
    "https://chat.example/h critical",
    "https://chat.example/h warning",
    "https://pager.example/h critical",
  ]);
});

t.test("paging: a plain-HTTP URL is refused at synth, nothing built", async (t) => {
  t.throws(
    () =>
      synthAlone((stack) => new Observability(stack, "o", observabilityProps({ pagerUrl: "http://pager.example/h" }))),
    /paging\.pagerUrl must be an https:\/\/ URL/,
  );
});

t.test("the CloudWatch agent publishes what disk-full reads: disk used_percent of /, per fleet group", async (t) => {
  const metrics = agentConfig({ logGroups: { service: "s", worker: "w" }, processes: ["service"] }).metrics as Json;
  t.same((metrics.metrics_collected as Json).disk, {
    measurement: ["used_percent"],
    resources: ["/"],
    metrics_collection_interval: 60,
  });
  t.same(metrics.aggregation_dimensions, [["AutoScalingGroupName"]], "one series per group, as the alarm asks");
});

t.test("an unknown RDS instance class is refused (the connections limit would be a guess)", async (t) => {
  t.throws(() => maxConnectionsFor("db.x9.huge"), /unknown RDS instance class db\.x9\.huge/);
  t.equal(maxConnectionsFor(staging.dbInstanceClass), 405);
});
