/**
 * `npm run cost`: the schedule arithmetic, the storage model against hand-computed figures, the
 * estimate against the synthesized stacks (one line per billable resource kind, totals ordered
 * night <= day <= ceiling), each budget above its environment's scheduled month, the seed's $320
 * bracketed by the seed profiles, production's extra explained kind by kind, and bad input refused.
 */
import t from "tap";
import { reportFor } from "../../cost/cli.ts";
import { cronDays, dayShareOfWeek, parseRecurrence } from "../../cost/fleet.ts";
import { PRICE_REGION, PRICES, PRICES_AS_OF, type Price, priceOf } from "../../cost/prices.ts";
import { htmlReport, textReport } from "../../cost/report.ts";
import { monthCostPerPdf, perMillionOverSevenYears } from "../../cost/storage.ts";
import { production, staging } from "../../src/environments.ts";

t.test("schedules: day share of the week from the morning and night recurrences", async (t) => {
  t.same(cronDays("MON-FRI"), [1, 2, 3, 4, 5]);
  t.same(cronDays("*"), [0, 1, 2, 3, 4, 5, 6]);
  t.equal(dayShareOfWeek("0 7 * * MON-FRI", "0 20 * * *"), (13 * 5) / 168, "07-20 on weekdays");
  t.equal(dayShareOfWeek("0 6 * * *", "0 22 * * *"), (16 * 7) / 168);
  t.throws(() => parseRecurrence("*/5 * * * *"), /unsupported schedule recurrence/);
});

t.test("storage: one PDF's months follow the lifecycle tiers", async (t) => {
  const l = {
    incomingDeliveredDays: 3,
    incomingBackstopDays: 400,
    iaAfterDays: 30,
    glacierAfterDays: 90,
    expireDays: 2555,
  };
  const gb = 1 / 1024; // 1 MiB PDF
  const m = 30.42;
  const tag = 0.01 / 1e4; // one tag for a month
  // month 0 (30.42 days), all delivered: incoming 3 days with its tag; processed STANDARD 30 days, then IA
  const delivered = { pdfKb: 1024, undeliveredShare: 0 };
  const month0 = (gb * 0.023 + tag) * (3 / m) + gb * 0.023 * (30 / m) + gb * 0.0125 * ((m - 30) / m);
  t.ok(Math.abs(monthCostPerPdf(l, delivered, 0) - month0) < 1e-12, "month 0");
  // month 4: GLACIER only, with the 40 KB per-object overhead
  const glacier = (gb + 32 / 1024 ** 2) * 0.0036 + (8 / 1024 ** 2) * 0.023;
  t.ok(Math.abs(monthCostPerPdf(l, delivered, 4) - glacier) < 1e-12, "month 4");
  // a never-delivered PDF stays in incoming (STANDARD, untagged) through month 13 (401 days)
  const undelivered = { pdfKb: 1024, undeliveredShare: 1 };
  t.ok(Math.abs(monthCostPerPdf(l, undelivered, 4) - (glacier + gb * 0.023)) < 1e-12, "month 4, undelivered");
  const month13 = gb * 0.023 * ((401 - 13 * m) / m);
  t.ok(Math.abs(monthCostPerPdf(l, undelivered, 13) - glacier - month13) < 1e-12, "month 13: the backstop's last days");
  t.ok(Math.abs(monthCostPerPdf(l, undelivered, 14) - glacier) < 1e-12, "then processed only");
  t.equal(monthCostPerPdf(l, delivered, 90), 0, "nothing after the 7-year expiry");

  const seven = (share: number) => perMillionOverSevenYears(l, { pdfKb: 250, undeliveredShare: share });
  t.ok(
    seven(0.01).storeOnce < seven(0.01).storedTwice * 0.6,
    `store once ${seven(0.01).storeOnce.toFixed(0)} < twice ${seven(0.01).storedTwice.toFixed(0)}`,
  );
  // The tag costs one PUT ($5 per million) and saves ~27 days of STANDARD over the 30-day rule.
  const thirtyDays = perMillionOverSevenYears({ ...l, incomingDeliveredDays: 31 }, { pdfKb: 250, undeliveredShare: 0 });
  t.ok(seven(0).storeOnce < thirtyDays.storeOnce, "cheaper than 30 days after upload for everyone");
  const perPercent = seven(0.02).storeOnce - seven(0.01).storeOnce;
  t.ok(perPercent > 0.6 && perPercent < 0.8, `each 1% never delivered adds $${perPercent.toFixed(2)} (profiles.ts)`);
});

t.test("the price table is dated and every price names its AWS pricing page", async (t) => {
  t.match(PRICES_AS_OF, /^\d{4}-\d{2}-\d{2}$/);
  t.equal(PRICE_REGION, "us-east-1");
  const entries: [string, Price][] = Object.entries(PRICES).flatMap(([name, p]) =>
    "usd" in p ? [[name, p as Price]] : Object.entries(p as Record<string, Price>).map(([k, v]) => [`${name}.${k}`, v]),
  );
  t.ok(entries.length > 30, `${entries.length} prices`);
  for (const [name, p] of entries) {
    t.match(p.source, /^https:\/\/aws\.amazon\.com\//, `${name}: source is an AWS pricing page`);
    t.ok(p.usd >= 0 && p.unit.length > 0, `${name}: amount and unit`);
  }
});

t.test("the report: totals, the price date, and one bar per resource worth 50 cents in the chart", async (t) => {
  const report = reportFor("staging");
  const text = textReport(report);
  t.match(text, `as of ${PRICES_AS_OF}`);
  t.match(text, `$${report.estimate.totals.ceiling.toFixed(2)}`);
  const html = htmlReport([report]);
  t.equal(html.match(/<svg /g)?.length, 1, "one chart per profile");
  const { dayShare, lines } = report.estimate;
  const bars = lines.filter((l) => dayShare * l.day + (1 - dayShare) * l.night >= 0.5).length;
  t.equal(html.match(/<rect /g)?.length, bars, `${bars} bars`);
});

t.test("an unknown instance type has no price: an error, not $0", async (t) => {
  t.throws(() => priceOf(PRICES.ec2Hour, "x9.huge", "EC2"), /no EC2 price for x9\.huge/);
});

for (const [name, config] of [
  ["staging", staging],
  ["production", production],
] as const) {
  t.test(`${name}: one line per billable resource, totals in order, budget above the scheduled month`, async (t) => {
    const { estimate } = reportFor(name);
    const kinds = new Set(estimate.lines.map((l) => l.resource.split(".")[0]));
    for (const kind of [
      "aws_autoscaling_group",
      "aws_nat_gateway",
      "aws_vpc_endpoint",
      "aws_db_instance",
      "aws_elasticache_replication_group",
      "aws_lb",
      "aws_wafv2_web_acl",
      "aws_s3_bucket",
    ]) {
      t.ok(kinds.has(kind), `${kind} is priced`);
    }
    const { day, night, ceiling, scheduled } = estimate.totals;
    t.ok(night <= scheduled && scheduled <= day && day <= ceiling, `${night} <= ${scheduled} <= ${day} <= ${ceiling}`);
    t.ok(config.monthlyBudgetUsd * 0.8 > scheduled, `80% of $${config.monthlyBudgetUsd} is above a normal month`);
    t.ok(
      config.monthlyBudgetUsd >= ceiling,
      `the forecast alert fires only past the scaling ceiling ($${ceiling.toFixed(0)})`,
    );
  });
}

t.test(
  "the seed-sized profile: the seed's $320 lies between its architecture and its sizes on this stack",
  async (t) => {
    const seed = reportFor("seed").estimate.totals.scheduled;
    const architecture = reportFor("seed-architecture").estimate;
    const floor = architecture.totals.scheduled;
    const stagingMonth = reportFor("staging").estimate.totals.scheduled;
    t.ok(floor < 320 && 320 < seed, `${floor.toFixed(0)} < 320 < ${seed.toFixed(0)}`);
    t.ok(seed < stagingMonth, `seed ${seed.toFixed(0)} < staging ${stagingMonth.toFixed(0)}`);
    // The seed's network: two public subnets (two NATs, ALB in two), no interface endpoints, no WAF.
    const what = (kind: string) => architecture.lines.find((l) => l.resource.startsWith(kind))?.what;
    t.match(what("aws_nat_gateway"), /^2 x NAT gateway/);
    t.match(what("public IPv4"), /^4 addresses/, "2 NAT EIPs + 2 ALB nodes");
    t.equal(what("aws_vpc_endpoint"), undefined, "no interface endpoints");
    t.equal(what("aws_wafv2_web_acl"), undefined, "no WAF");
    t.throws(() => reportFor("nope"), /unknown profile nope/);
  },
);

t.test("production: every dollar beyond the seed is listed with what it buys", async (t) => {
  const { estimate, versus } = reportFor("production");
  t.ok(versus, "production is compared");
  const extra = estimate.totals.scheduled - versus!.scheduled;
  const listed = versus!.lines.reduce((n, l) => n + l.delta, 0);
  t.ok(Math.abs(listed - extra) < 0.1, `the kinds add up: ${listed.toFixed(2)} = ${extra.toFixed(2)}`);
  for (const l of versus!.lines.filter((x) => x.delta > 1))
    t.ok(l.buys, `${l.kind} +$${l.delta.toFixed(2)}: says what it buys`);
  const kinds = versus!.lines.filter((l) => l.delta > 1).map((l) => l.kind);
  for (const kind of ["aws_db_instance", "aws_elasticache_replication_group", "aws_nat_gateway", "aws_vpc_endpoint"]) {
    t.ok(kinds.includes(kind), `${kind} costs more in production`);
  }
});
