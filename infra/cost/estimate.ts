/**
 * Monthly estimate of one synthesized stack: one line per billable resource (or group of the same
 * resources), each priced as if the whole month ran at the day size, the night size and the
 * scaling ceiling, plus the scheduled blend (day share of the week at day size, the rest at night).
 */
import { type FleetShape, fleetShape } from "./fleet.ts";
import { HOURS_PER_MONTH as H, PRICES, priceOf } from "./prices.ts";
import { lifecycleOf, monthlyStorageAfter } from "./storage.ts";

type Json = Record<string, unknown>;
type Resources = Record<string, Record<string, Json>>;

/** What the JSON cannot say: traffic and volume. */
export interface Usage {
  readonly billsPerMonth: number;
  readonly pdfKb: number;
  /** Bills never delivered (resolved without Zoho): their incoming PDF stays until the backstop. */
  readonly undeliveredShare: number;
  readonly natGbPerMonth: number;
  readonly logsGbPerMonth: number;
  readonly albLcu: number;
  /** Use the 1-year no-upfront reserved rate for the instances that always run (the night size). */
  readonly reservedBaseline: boolean;
}

export interface Line {
  readonly resource: string;
  readonly what: string;
  readonly day: number;
  readonly night: number;
  readonly ceiling: number;
}

export interface Estimate {
  readonly lines: readonly Line[];
  readonly dayShare: number;
  readonly totals: {
    readonly day: number;
    readonly night: number;
    readonly ceiling: number;
    readonly scheduled: number;
  };
}

const flat = (resource: string, what: string, usd: number): Line => ({
  resource,
  what,
  day: usd,
  night: usd,
  ceiling: usd,
});
const count = (r: Resources, type: string) => Object.keys(r[type] ?? {}).length;

/** Instances and their root volumes, per fleet group. */
function fleetLines(shape: FleetShape, usage: Usage): Line[] {
  return shape.groups.flatMap((g) => {
    const onDemand = priceOf(PRICES.ec2Hour, g.instanceType, "EC2").usd * H;
    const reserved = usage.reservedBaseline
      ? priceOf(PRICES.ec2ReservedHour, g.instanceType, "EC2 RI").usd * H
      : onDemand;
    // Reserved instances cover the always-on night size; the rest is on-demand.
    const cost = (n: number) => Math.min(n, g.night) * reserved + Math.max(0, n - g.night) * onDemand;
    const ebs = (n: number) => n * g.rootVolumeGb * PRICES.ebsGp3GbMonth.usd;
    return [
      {
        resource: `aws_autoscaling_group.${g.name}`,
        what: `${g.instanceType} x ${g.day} day / ${g.night} night / ${g.ceiling} max${usage.reservedBaseline ? ` (${g.night} reserved)` : ""}`,
        day: cost(g.day),
        night: cost(g.night),
        ceiling: cost(g.ceiling),
      },
      {
        resource: `ebs (${g.name})`,
        what: `gp3 ${g.rootVolumeGb} GB per instance`,
        day: ebs(g.day),
        night: ebs(g.night),
        ceiling: ebs(g.ceiling),
      },
    ];
  });
}

/** ALB, NAT gateways, public IPv4 addresses, interface endpoints, WAF. */
function networkLines(r: Resources, usage: Usage): Line[] {
  const lines: Line[] = [];
  const albs = Object.values(r.aws_lb ?? {});
  for (const [name] of Object.entries(r.aws_lb ?? {})) {
    lines.push(
      flat(
        `aws_lb.${name}`,
        `ALB + ${usage.albLcu} LCU`,
        (PRICES.albHour.usd + usage.albLcu * PRICES.albLcuHour.usd) * H,
      ),
    );
  }
  const nats = count(r, "aws_nat_gateway");
  if (nats > 0) {
    lines.push(
      flat(
        "aws_nat_gateway",
        `${nats} x NAT gateway + ${usage.natGbPerMonth} GB`,
        nats * PRICES.natHour.usd * H + usage.natGbPerMonth * PRICES.natGb.usd,
      ),
    );
  }
  const albIps = albs
    .filter((a) => a.internal !== true)
    .reduce((n, a) => n + ((a.subnets as unknown[]) ?? []).length, 0);
  const ips = count(r, "aws_eip") + albIps;
  lines.push(flat("public IPv4", `${ips} addresses (NAT EIPs, ALB nodes)`, ips * PRICES.publicIpv4Hour.usd * H));
  const interfaces = Object.values(r.aws_vpc_endpoint ?? {}).filter((e) => e.vpc_endpoint_type === "Interface");
  const endpointAzs = interfaces.reduce((n, e) => n + ((e.subnet_ids as unknown[]) ?? []).length, 0);
  if (endpointAzs > 0) {
    lines.push(
      flat(
        "aws_vpc_endpoint",
        `${interfaces.length} interface endpoints x AZs = ${endpointAzs}`,
        endpointAzs * PRICES.interfaceEndpointAzHour.usd * H,
      ),
    );
  }
  for (const acl of Object.values(r.aws_wafv2_web_acl ?? {})) {
    const rules = ((acl.rule as unknown[]) ?? []).length;
    const requests = (usage.billsPerMonth * 3) / 1e6; // upload, status polls
    lines.push(
      flat(
        "aws_wafv2_web_acl",
        `web ACL + ${rules} rules`,
        PRICES.wafAclMonth.usd + rules * PRICES.wafRuleMonth.usd + requests * PRICES.wafMillionRequests.usd,
      ),
    );
  }
  return lines;
}

/** RDS and ElastiCache. */
function dataLines(r: Resources): Line[] {
  const lines: Line[] = [];
  for (const db of Object.values(r.aws_db_instance ?? {})) {
    const copies = db.multi_az === true ? 2 : 1;
    const hour = priceOf(PRICES.rdsHour, String(db.instance_class), "RDS").usd;
    const storage = Number(db.allocated_storage) * PRICES.rdsGp3GbMonth.usd * copies;
    lines.push(
      flat(
        "aws_db_instance",
        `${db.instance_class}${copies === 2 ? " Multi-AZ" : ""}, ${db.allocated_storage} GB gp3`,
        hour * copies * H + storage,
      ),
    );
  }
  for (const rg of Object.values(r.aws_elasticache_replication_group ?? {})) {
    const nodes = Number(rg.num_cache_clusters ?? 1);
    lines.push(
      flat(
        "aws_elasticache_replication_group",
        `${rg.node_type} x ${nodes}`,
        nodes * priceOf(PRICES.cacheHour, String(rg.node_type), "ElastiCache").usd * H,
      ),
    );
  }
  return lines;
}

/** KMS, secrets, alarms, dashboards, logs, SQS, CloudTrail data events, S3. */
function serviceLines(r: Resources, usage: Usage): Line[] {
  const alarmMetrics = Object.values(r.aws_cloudwatch_metric_alarm ?? {}).reduce((n, a) => {
    const q = (a.metric_query as Json[] | undefined) ?? [];
    return n + (q.length > 0 ? q.filter((x) => x.metric).length : 1);
  }, 0);
  const dashboards = count(r, "aws_cloudwatch_dashboard");
  const sqsRequests = usage.billsPerMonth * 6; // send, receive, delete, visibility, empty polls
  const s3 = lifecycleOf(r);
  return [
    flat("aws_kms_key", `${count(r, "aws_kms_key")} CMKs`, count(r, "aws_kms_key") * PRICES.kmsKeyMonth.usd),
    flat(
      "aws_secretsmanager_secret",
      `${count(r, "aws_secretsmanager_secret")} secrets`,
      count(r, "aws_secretsmanager_secret") * PRICES.secretMonth.usd,
    ),
    flat(
      "aws_cloudwatch_metric_alarm",
      `${count(r, "aws_cloudwatch_metric_alarm")} alarms, ${alarmMetrics} metrics`,
      alarmMetrics * PRICES.alarmMetricMonth.usd,
    ),
    flat(
      "aws_cloudwatch_dashboard",
      `${dashboards} dashboards (3 free)`,
      Math.max(0, dashboards - 3) * PRICES.dashboardMonth.usd,
    ),
    flat(
      "aws_cloudwatch_log_group",
      `${usage.logsGbPerMonth} GB/month in, 12 months kept`,
      usage.logsGbPerMonth * (PRICES.logsIngestGb.usd + 6 * PRICES.logsStoreGbMonth.usd),
    ),
    flat(
      "aws_sqs_queue",
      `${(sqsRequests / 1e6).toFixed(2)} M requests`,
      (Math.max(0, sqsRequests - 1e6) / 1e6) * PRICES.sqsMillionRequests.usd,
    ),
    flat(
      "aws_cloudtrail",
      "S3 data events on the PDF buckets",
      ((usage.billsPerMonth * 4) / 1e5) * PRICES.cloudTrailDataEvents100k.usd,
    ),
    flat(
      "aws_s3_bucket",
      `PDFs after 12 months (${usage.pdfKb} KB, lifecycle tiers)`,
      monthlyStorageAfter(s3, usage, usage.billsPerMonth, 1),
    ),
  ];
}

/** The estimate of one stack's resources under `usage`. */
export function estimate(resource: Resources, usage: Usage): Estimate {
  const shape = fleetShape(resource);
  const lines = [
    ...fleetLines(shape, usage),
    ...networkLines(resource, usage),
    ...dataLines(resource),
    ...serviceLines(resource, usage),
  ];
  const sum = (k: "day" | "night" | "ceiling") => lines.reduce((n, l) => n + l[k], 0);
  const [day, night, ceiling] = [sum("day"), sum("night"), sum("ceiling")];
  return {
    lines,
    dayShare: shape.dayShare,
    totals: { day, night, ceiling, scheduled: shape.dayShare * day + (1 - shape.dayShare) * night },
  };
}
