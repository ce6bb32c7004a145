/**
 * Turns k6's end-of-test data into a plain text table and a self-contained HTML page. Written
 * here rather than imported from jslib.k6.io so that the scripts need no network at start and the
 * renderer is unit-tested in Node. Reads both shapes k6 hands to handleSummary: the classic one
 * (`metrics` keyed by name, per-threshold `ok`) and the machine-readable v1 schema (k6 >= 1.5 with
 * --new-machine-readable-summary; `results.metrics` array, one `passed` flag). For the v1 shape the
 * thresholds are re-evaluated from the script's own threshold expressions.
 */

export type MetricValues = Readonly<Record<string, number>>;

export interface ThresholdResult {
  readonly expression: string;
  /** undefined when the statistic is not in the summary (cannot tell). */
  readonly ok: boolean | undefined;
}

export interface SummaryMetric {
  readonly name: string;
  readonly type: string;
  readonly contains: string;
  readonly values: MetricValues;
  readonly thresholds: readonly ThresholdResult[];
}

export interface CheckResult {
  readonly name: string;
  readonly passes: number;
  readonly fails: number;
}

export interface RunSummary {
  readonly title: string;
  readonly durationSeconds: number | undefined;
  readonly passed: boolean;
  readonly metrics: readonly SummaryMetric[];
  readonly checks: readonly CheckResult[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function valuesOf(v: unknown): MetricValues {
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(obj(v))) if (typeof x === "number") out[k] = x;
  return out;
}

/**
 * Evaluate one k6 threshold expression (`p(95)<300`, `rate<0.01`, `count==0`) against a metric's
 * values. Mirrors k6's aggregation names; returns undefined when the statistic is missing.
 */
export function evaluateThreshold(expression: string, values: MetricValues): boolean | undefined {
  const m = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(expression);
  if (!m) return undefined;
  const [, rawStat = "", op, rawLimit = ""] = m;
  const stat = rawStat === "p(50)" && values["p(50)"] === undefined ? "med" : rawStat;
  const actual = values[stat];
  if (actual === undefined) return undefined;
  const limit = Number(rawLimit);
  switch (op) {
    case "<":
      return actual < limit;
    case "<=":
      return actual <= limit;
    case ">":
      return actual > limit;
    case ">=":
      return actual >= limit;
    case "!=":
      return actual !== limit;
    default:
      return actual === limit;
  }
}

/** Threshold config in k6's own shape: metric (or sub-metric) name to expressions. */
export type ThresholdConfig = Readonly<Record<string, readonly (string | { readonly threshold: string })[]>>;

/** Normalize either summary shape. `thresholds` is the script's options.thresholds. */
export function normalizeSummary(data: unknown, title: string, thresholds: ThresholdConfig = {}): RunSummary {
  const root = obj(data);
  return Array.isArray(obj(root.results).metrics)
    ? fromResultsShape(root, title, thresholds)
    : fromMetricsShape(root, title);
}

const checkOf = (c: unknown): CheckResult => ({
  name: String(obj(c).name),
  passes: num(obj(c).passes) ?? 0,
  fails: num(obj(c).fails) ?? 0,
});

/** The shape with `results.metrics` as a list: thresholds are evaluated here from the script's own. */
function fromResultsShape(root: Json, title: string, thresholds: ThresholdConfig): RunSummary {
  const expressions = (name: string): string[] =>
    (thresholds[name] ?? []).map((t) => (typeof t === "string" ? t : t.threshold));
  const results = obj(root.results);
  const metrics = (results.metrics as unknown[]).map((raw): SummaryMetric => {
    const m = obj(raw);
    const name = String(m.name ?? "");
    const values = valuesOf(m.values);
    return {
      name,
      type: String(m.type ?? ""),
      contains: String(m.contains ?? "default"),
      values,
      thresholds: expressions(name).map((expression) => ({ expression, ok: evaluateThreshold(expression, values) })),
    };
  });
  const checks = obj(results.checks).results;
  return {
    title,
    durationSeconds: num(obj(root.config).duration),
    passed: results.passed !== false,
    metrics: sortMetrics(metrics),
    checks: Array.isArray(checks) ? checks.map(checkOf) : [],
  };
}

/** The shape with `metrics` keyed by name and checks in nested groups: thresholds as k6 recorded them. */
function fromMetricsShape(root: Json, title: string): RunSummary {
  const metrics = Object.entries(obj(root.metrics)).map(([name, raw]): SummaryMetric => {
    const m = obj(raw);
    const recorded = Object.entries(obj(m.thresholds)).map(([expression, r]) => ({
      expression,
      ok: typeof obj(r).ok === "boolean" ? (obj(r).ok as boolean) : undefined,
    }));
    return {
      name,
      type: String(m.type ?? ""),
      contains: String(m.contains ?? "default"),
      values: valuesOf(m.values),
      thresholds: recorded,
    };
  });
  const checks: CheckResult[] = [];
  const walk = (group: Json): void => {
    for (const c of Array.isArray(group.checks) ? group.checks : []) checks.push(checkOf(c));
    for (const g of Array.isArray(group.groups) ? group.groups : []) walk(obj(g));
  };
  walk(obj(root.root_group));
  const testRunMs = num(obj(root.state).testRunDurationMs);
  return {
    title,
    durationSeconds: testRunMs === undefined ? undefined : testRunMs / 1000,
    passed: metrics.every((m) => m.thresholds.every((t) => t.ok !== false)),
    metrics: sortMetrics(metrics),
    checks,
  };
}

function sortMetrics(metrics: SummaryMetric[]): SummaryMetric[] {
  return metrics.sort((a, b) => a.name.localeCompare(b.name));
}

/** Every threshold that failed, as `metric: expression`. */
export function failedThresholds(summary: RunSummary): string[] {
  return summary.metrics.flatMap((m) =>
    m.thresholds.filter((t) => t.ok === false).map((t) => `${m.name}: ${t.expression}`),
  );
}

function formatValue(metric: SummaryMetric, key: string, value: number): string {
  if (metric.type === "rate" && key === "rate") return `${(value * 100).toFixed(2)}%`;
  if (metric.contains === "time" && key !== "count") {
    return value >= 1000 ? `${(value / 1000).toFixed(2)}s` : `${value.toFixed(value < 10 ? 2 : 0)}ms`;
  }
  if (metric.contains === "data" && key === "count") return `${(value / 1_048_576).toFixed(1)} MiB`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function describe(metric: SummaryMetric): string {
  return Object.entries(metric.values)
    .map(([k, v]) => `${k}=${formatValue(metric, k, v)}`)
    .join(" ");
}

const mark = (ok: boolean | undefined): string => (ok === true ? "✓" : ok === false ? "✗" : "?");

/** Plain text for stdout and the CI job summary. */
export function renderText(summary: RunSummary): string {
  const lines = [
    `${summary.title}: ${summary.passed ? "PASSED" : "FAILED"}` +
      (summary.durationSeconds === undefined ? "" : ` in ${summary.durationSeconds.toFixed(0)}s`),
    "",
    "thresholds:",
  ];
  for (const m of summary.metrics) {
    for (const t of m.thresholds) lines.push(`  ${mark(t.ok)} ${m.name}: ${t.expression}  (${describe(m)})`);
  }
  if (summary.checks.length > 0) {
    lines.push("", "checks:");
    for (const c of summary.checks)
      lines.push(`  ${mark(c.fails === 0)} ${c.name}: ${c.passes} passed, ${c.fails} failed`);
  }
  lines.push("", "metrics:");
  const width = Math.max(...summary.metrics.map((m) => m.name.length), 10);
  for (const m of summary.metrics) lines.push(`  ${m.name.padEnd(width, ".")}: ${describe(m)}`);
  return `${lines.join("\n")}\n`;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** A self-contained HTML page (no scripts, no external assets) to keep as a CI artifact. */
export function renderHtml(summary: RunSummary): string {
  const rows = summary.metrics
    .map((m) => {
      const t = m.thresholds
        .map(
          (x) =>
            `<span class="${x.ok === false ? "bad" : x.ok ? "ok" : ""}">${mark(x.ok)} ${escapeHtml(x.expression)}</span>`,
        )
        .join("<br>");
      return `<tr><td>${escapeHtml(m.name)}</td><td>${escapeHtml(describe(m))}</td><td>${t}</td></tr>`;
    })
    .join("\n");
  const checks = summary.checks
    .map(
      (c) =>
        `<tr><td class="${c.fails === 0 ? "ok" : "bad"}">${mark(c.fails === 0)} ${escapeHtml(c.name)}</td><td>${c.passes}</td><td>${c.fails}</td></tr>`,
    )
    .join("\n");
  const title = escapeHtml(summary.title);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}.ok{color:#17692b}.bad{color:#b00020;font-weight:bold}</style>
</head><body>
<h1>${title}: <span class="${summary.passed ? "ok" : "bad"}">${summary.passed ? "PASSED" : "FAILED"}</span></h1>
<p>Duration: ${summary.durationSeconds === undefined ? "n/a" : `${summary.durationSeconds.toFixed(0)} s`}</p>
<h2>Metrics and thresholds</h2>
<table><tr><th>metric</th><th>values</th><th>thresholds</th></tr>
${rows}
</table>
<h2>Checks</h2>
<table><tr><th>check</th><th>passes</th><th>fails</th></tr>
${checks}
</table>
</body></html>
`;
}
