/** The cost report: a text table for the terminal and an HTML page with an SVG bar chart. */
import type { Estimate } from "./estimate.ts";
import { PRICE_REGION, PRICES_AS_OF } from "./prices.ts";
import type { SevenYears } from "./storage.ts";

const usd = (n: number) => `$${n.toFixed(2)}`;
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

export interface Report {
  readonly name: string;
  readonly note: string;
  readonly estimate: Estimate;
  readonly storage: SevenYears;
  readonly pdfKb: number;
  /** What this profile pays beyond a smaller one, per resource kind (production against the seed). */
  readonly versus?: Versus;
}

/**
 * What each kind of resource buys where one profile pays more than another. A kind that costs
 * more without an entry here fails test/cost/cost.test.ts: every extra dollar is explained.
 */
export const WHAT_IT_BUYS: Readonly<Record<string, string>> = {
  aws_elasticache_replication_group:
    "availability: replicas in other AZs with automatic failover; memory, no evictions",
  aws_db_instance: "availability: Multi-AZ standby with automatic failover; memory for max_connections",
  aws_autoscaling_group: "isolation: two tiers (the public ingest holds no Zoho credentials); 2 per tier at night",
  ebs: "the root volumes of those instances",
  aws_nat_gateway: "availability: one NAT per AZ, egress survives the loss of an AZ",
  "public IPv4": "the NAT gateways' and the ALB's addresses in the third AZ",
  aws_vpc_endpoint: "isolation: AWS API calls stay inside the VPC, an endpoint in every AZ",
  aws_wafv2_web_acl: "isolation: managed rules, per-IP rate limit, operator paths blocked at the edge",
  aws_lb: "load: 2 LCU instead of 1 (usage assumption)",
  aws_cloudwatch_log_group: "load: 10 GB of logs a month instead of 5 (usage assumption)",
  aws_cloudwatch_metric_alarm: "the second tier's alarms",
};

export interface VersusLine {
  readonly kind: string;
  /** Scheduled month of this profile minus the other's, USD. */
  readonly delta: number;
  readonly buys: string | undefined;
}

export interface Versus {
  readonly name: string;
  readonly scheduled: number;
  readonly lines: readonly VersusLine[];
}

/** Resource kind of a line: `aws_lb.edge_alb_…` -> `aws_lb`, `ebs (…)` -> `ebs`. */
export const kindOf = (resource: string) =>
  resource.startsWith("public IPv4") ? "public IPv4" : resource.split(/[. ]/)[0]!;

/** Scheduled month per resource kind. */
function byKind(e: Estimate): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of e.lines) {
    const v = e.dayShare * l.day + (1 - e.dayShare) * l.night;
    out.set(kindOf(l.resource), (out.get(kindOf(l.resource)) ?? 0) + v);
  }
  return out;
}

/** Per kind, what `mine` pays beyond `other` (largest first; kinds within a cent left out). */
export function versus(mine: Estimate, otherName: string, other: Estimate): Versus {
  const [a, b] = [byKind(mine), byKind(other)];
  const kinds = new Set([...a.keys(), ...b.keys()]);
  const lines = [...kinds]
    .map((kind) => ({ kind, delta: (a.get(kind) ?? 0) - (b.get(kind) ?? 0), buys: WHAT_IT_BUYS[kind] }))
    .filter((l) => Math.abs(l.delta) >= 0.01)
    .sort((x, y) => y.delta - x.delta);
  return { name: otherName, scheduled: other.totals.scheduled, lines };
}

/** One line per billable resource, then the totals (USD per month). */
export function textReport({ name, note, estimate, storage, pdfKb, versus: vs }: Report): string {
  const rows = [...estimate.lines].sort((a, b) => b.ceiling - a.ceiling);
  const out = [
    `${name}: ${note}`,
    `us-east-1 on-demand list prices as of ${PRICES_AS_OF} (infra/cost/prices.ts), USD per month`,
    "",
    `${pad("resource", 40)} ${pad("what", 58)} ${lpad("day", 9)} ${lpad("night", 9)} ${lpad("ceiling", 9)}`,
    ...rows.map(
      (l) =>
        `${pad(l.resource.slice(0, 40), 40)} ${pad(l.what.slice(0, 58), 58)} ${lpad(usd(l.day), 9)} ${lpad(usd(l.night), 9)} ${lpad(usd(l.ceiling), 9)}`,
    ),
    "",
    `${pad("total if the whole month ran at that size", 99)} ${lpad(usd(estimate.totals.day), 9)} ${lpad(usd(estimate.totals.night), 9)} ${lpad(usd(estimate.totals.ceiling), 9)}`,
    `scheduled month (day size ${(estimate.dayShare * 100).toFixed(0)}% of the week, night size the rest): ${usd(estimate.totals.scheduled)}`,
    `PDF storage per million bills over seven years (${pdfKb} KB, store once): ${usd(storage.storeOnce)} (stored twice it was ${usd(storage.storedTwice)})`,
  ];
  if (vs) {
    const extra = estimate.totals.scheduled - vs.scheduled;
    out.push(
      "",
      `what ${name} buys beyond ${vs.name} (scheduled month ${usd(vs.scheduled)} -> ${usd(estimate.totals.scheduled)}, +${usd(extra)}):`,
      ...vs.lines.map(
        (l) =>
          `  ${pad(l.kind, 38)} ${lpad(`${l.delta >= 0 ? "+" : "-"}${usd(Math.abs(l.delta))}`, 10)}  ${l.buys ?? ""}`,
      ),
    );
  }
  return out.join("\n");
}

/** Horizontal bars per resource (scheduled cost), largest first; plain SVG, no script. */
export function svgChart(estimate: Estimate): string {
  const rows = [...estimate.lines]
    .map((l) => ({ label: l.resource, v: estimate.dayShare * l.day + (1 - estimate.dayShare) * l.night }))
    .filter((r) => r.v >= 0.5)
    .sort((a, b) => b.v - a.v);
  const max = Math.max(...rows.map((r) => r.v), 1);
  const [left, width, row] = [300, 420, 22];
  const bars = rows.map((r, i) => {
    const y = 10 + i * row;
    const w = Math.max(1, (r.v / max) * width);
    return `<text x="${left - 8}" y="${y + 14}" text-anchor="end" font-size="12">${escapeHtml(r.label)}</text><rect x="${left}" y="${y + 3}" width="${w.toFixed(1)}" height="15" fill="#3b6ea5"/><text x="${left + w + 6}" y="${y + 14}" font-size="12">${usd(r.v)}</text>`;
  });
  const height = 20 + rows.length * row;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 90}" height="${height}" role="img" aria-label="monthly cost per resource">${bars.join("")}</svg>`;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** One HTML page for several reports: totals table, then each chart and table. */
export function htmlReport(reports: readonly Report[]): string {
  const totals = reports
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.name)}</td><td>${usd(r.estimate.totals.day)}</td><td>${usd(r.estimate.totals.night)}</td><td>${usd(r.estimate.totals.ceiling)}</td><td><b>${usd(r.estimate.totals.scheduled)}</b></td><td>${usd(r.storage.storeOnce)}</td></tr>`,
    )
    .join("");
  const sections = reports
    .map(
      (r) =>
        `<h2>${escapeHtml(r.name)}</h2><p>${escapeHtml(r.note)}</p>${svgChart(r.estimate)}<pre>${escapeHtml(textReport(r))}</pre>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bill middleware: monthly cost</title></head><body style="font-family:sans-serif">
<h1>Monthly cost estimate (${PRICE_REGION}, list prices as of ${PRICES_AS_OF})</h1>
<table border="1" cellpadding="4"><tr><th>profile</th><th>day</th><th>night</th><th>ceiling</th><th>scheduled month</th><th>PDFs, per million bills over 7 years</th></tr>${totals}</table>
${sections}</body></html>`;
}
