/**
 * The benchmark's output: a plain-text table for the terminal and README, and a self-contained
 * HTML page (inline SVG charts, no scripts or external assets) to look at. Pure functions.
 */
import { barChart, esc, lineChart } from "./charts.ts";
import type { CompareResult } from "./compare.ts";
import type { LoadResult } from "./ingest-load.ts";
import type { MemoryResult } from "./memory.ts";
import type { ProfileShare } from "./profile.ts";
import { compareCharts, compareLines, compareVerdicts } from "./report-compare.ts";
import type { SpikeResult } from "./spike.ts";
import { type LatencySummary, round } from "./stats.ts";

export interface DirectResult {
  readonly accepted: number;
  readonly errors: number;
  readonly seconds: number;
  readonly acceptedPerSecond: number;
  readonly latencyMs: LatencySummary;
  readonly cpuMsPerBill: number;
}

export interface IngestFigures extends LoadResult {
  readonly direct: DirectResult;
  /** Throughput through HTTP over the same operations without it (target >= 0.85). */
  readonly serviceOverDirect: number;
}

export interface BenchResults {
  readonly runId: string;
  readonly startedAt: string;
  readonly quick: boolean;
  readonly phases: readonly string[];
  /** What stood in for S3 and SQS. */
  readonly standIns: string;
  readonly machine: {
    readonly cores: number;
    /** 1-minute load average at the start and the end: other work on the machine skews the figures. */
    readonly loadAverage: { readonly start: number; readonly end: number };
    readonly cpu: string;
    readonly memoryGiB: number;
    readonly node: string;
  };
  readonly plan: Record<string, unknown>;
  readonly compare?: CompareResult;
  readonly ingest?: { readonly small: IngestFigures; readonly large: IngestFigures };
  readonly cpu?: {
    readonly serviceMsPerBill: number;
    readonly floorMsPerBill: number;
    /** Target <= 2.0. */
    readonly overFloor: number;
    readonly directProcessMsPerBill: number;
    readonly profile: {
      readonly file: string;
      readonly accepted: number;
      readonly busyMsPerBill: number;
      readonly byGroup: readonly (ProfileShare & { readonly msPerBill: number })[];
      readonly topFunctions: readonly (ProfileShare & { readonly msPerBill: number })[];
    };
  };
  readonly memory?: MemoryResult;
  readonly spike?: SpikeResult;
  readonly seconds: number;
}

export interface Verdict {
  readonly name: string;
  readonly value: number;
  readonly ok: boolean;
}

/** The targets (issues 8 and 17), as checks over the phases that ran. */
export function verdicts(r: BenchResults): Verdict[] {
  const out: Verdict[] = r.compare ? compareVerdicts(r.compare) : [];
  if (r.ingest && r.cpu) {
    const ratio = r.ingest.small.serviceOverDirect;
    out.push({ name: "ingest overhead ratio (service/direct, 100 KiB) >= 0.85", value: ratio, ok: ratio >= 0.85 });
    out.push({ name: "CPU per bill <= 2.0x the floor", value: r.cpu.overFloor, ok: r.cpu.overFloor <= 2.0 });
  }
  if (r.memory) {
    const growth = r.memory.heapGrowthAfterWarmupPct;
    out.push({ name: "heap growth after warm-up < 5 %", value: growth, ok: growth < 5 });
  }
  if (r.spike) out.push({ name: "Zoho 429s during the spike == 0", value: r.spike.zoho429, ok: r.spike.zoho429 === 0 });
  return out;
}

const row = (cells: readonly (string | number)[], widths: readonly number[]): string =>
  cells
    .map((c, i) => String(c).padEnd(widths[i] ?? 10))
    .join("  ")
    .trimEnd();

function ingestRows(name: string, f: IngestFigures): (string | number)[][] {
  return [
    [
      `${name} via HTTP`,
      f.acceptedPerSecond,
      f.latencyMs.p50,
      f.latencyMs.p95,
      f.latencyMs.p99,
      f.accepted,
      f.requests - f.accepted + f.errors,
    ],
    [
      `${name} direct`,
      f.direct.acceptedPerSecond,
      f.direct.latencyMs.p50,
      f.direct.latencyMs.p95,
      f.direct.latencyMs.p99,
      f.direct.accepted,
      f.direct.errors,
    ],
  ];
}

function ingestLines(r: BenchResults): string[] {
  const { ingest, cpu } = r;
  if (!ingest || !cpu) return [];
  const w = [22, 10, 9, 9, 9, 9, 8];
  return [
    row(["ingest", "bills/s", "p50 ms", "p95 ms", "p99 ms", "accepted", "other"], w),
    ...[...ingestRows("100 KiB c=32", ingest.small), ...ingestRows("5 MiB c=4", ingest.large)].map((c) => row(c, w)),
    `service/direct: 100 KiB ${ingest.small.serviceOverDirect}, 5 MiB ${ingest.large.serviceOverDirect}`,
    "",
    `CPU per accepted 100 KiB bill: service ${cpu.serviceMsPerBill} ms, floor (JSON+base64+SHA-256) ${cpu.floorMsPerBill} ms = ${cpu.overFloor}x; direct path process ${cpu.directProcessMsPerBill} ms`,
    `where the service's CPU goes (profile, ${cpu.profile.busyMsPerBill} ms busy per bill):`,
    ...cpu.profile.byGroup
      .slice(0, 8)
      .map((g) => `  ${g.name.padEnd(40)} ${String(g.msPerBill).padStart(7)} ms/bill  ${g.pct} %`),
    "",
  ];
}

function memoryAndSpikeLines(r: BenchResults): string[] {
  const { memory: m, spike: k } = r;
  return [
    ...(m
      ? [
          `memory over ${m.requests} requests (${m.accepted} new, ${m.retried} retries): heap after GC ${m.samples[1]?.heapUsedMiB} -> ${m.samples.at(-1)?.heapUsedMiB} MiB (${m.heapGrowthAfterWarmupPct} % after warm-up), RSS ${m.samples[1]?.rssMiB} -> ${m.samples.at(-1)?.rssMiB} MiB (${m.rssGrowthAfterWarmupPct} %)`,
        ]
      : []),
    ...(k
      ? [
          `compressed spike (${k.bills} bills, ${k.workers} workers): peak backlog ${k.peakBacklog} at ${k.peakAtSeconds} s (model ${k.forecast.peakBacklog}), empty ${k.drainSecondsAfterLoad ?? "never"} s after the last arrival (model: at ${k.forecast.drainedAtSeconds} s, measured ${k.drainedAtSeconds ?? "n/a"} s)`,
          `delivery while saturated: ${k.deliveryPerSecond} bills/s; fleet limit ${k.fleetLimitPerSecond}/s, simulator limit ${k.simLimitPerSecond}/s; Zoho 429s ${k.zoho429}; failed ${k.failed}`,
          `Zoho calls per delivered bill ${k.zohoCallsPerBill}; share of Zoho's limit used while saturated ${round(k.zohoLimitShareSaturated * 100, 1)} % = ${k.billsPerMinutePerOrgAtZohoLimit} bills/min per organization at 100 requests/min; worker CPU ${k.workerCpuMsPerBill} ms per delivered bill`,
        ]
      : []),
  ];
}

export function renderTable(r: BenchResults): string {
  const lines = [
    `bench ${r.runId} ${r.startedAt} on ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}${r.quick ? "  [--quick: not comparable]" : ""}`,
    `load average ${r.machine.loadAverage.start} at the start, ${r.machine.loadAverage.end} at the end (other work on the machine lowers every figure)`,
    `phases: ${r.phases.join(", ")}; stand-ins: ${r.standIns}`,
    "",
    ...(r.compare ? compareLines(r.compare) : []),
    ...ingestLines(r),
    ...memoryAndSpikeLines(r),
    "",
    ...verdicts(r).map((v) => `${v.ok ? "PASS" : "MISS"}  ${v.name}: ${v.value}`),
    `total ${r.seconds} s`,
  ];
  return `${lines.join("\n")}\n`;
}

function ingestCharts(r: BenchResults): string[] {
  const { ingest, cpu } = r;
  if (!ingest || !cpu) return [];
  const s = ingest.small;
  const l = ingest.large;
  return [
    barChart("Ingest throughput (accepted bills per second)", "bills/s", [
      { label: "100 KiB via HTTP", value: s.acceptedPerSecond },
      { label: "100 KiB direct", value: s.direct.acceptedPerSecond },
      { label: "5 MiB via HTTP", value: l.acceptedPerSecond },
      { label: "5 MiB direct", value: l.direct.acceptedPerSecond },
    ]),
    barChart("Ingest latency, 100 KiB at concurrency 32 (ms)", "ms", [
      { label: "HTTP p50", value: s.latencyMs.p50 },
      { label: "HTTP p95", value: s.latencyMs.p95 },
      { label: "HTTP p99", value: s.latencyMs.p99 },
      { label: "direct p50", value: s.direct.latencyMs.p50 },
      { label: "direct p95", value: s.direct.latencyMs.p95 },
      { label: "direct p99", value: s.direct.latencyMs.p99 },
    ]),
    barChart(
      "Where the service's CPU goes per 100 KiB bill (CPU profile, self time, ms)",
      "ms",
      cpu.profile.byGroup.slice(0, 10).map((g) => ({ label: g.name.slice(0, 30), value: g.msPerBill })),
    ),
    barChart("CPU per accepted 100 KiB bill (ms)", "ms", [
      { label: "service process", value: cpu.serviceMsPerBill },
      { label: "floor: JSON+base64+SHA-256", value: cpu.floorMsPerBill },
      { label: "direct-path process", value: cpu.directProcessMsPerBill },
    ]),
  ];
}

function memoryAndSpikeCharts(r: BenchResults): string[] {
  const { memory, spike } = r;
  return [
    ...(spike
      ? [
          lineChart("Compressed spike: delivery backlog over time", "seconds from the first bill", "bills", [
            {
              label: "backlog (measured)",
              color: "#c00000",
              points: spike.series.map((p) => [p.t, p.backlog] as const),
            },
            {
              label: "backlog (fluid model)",
              color: "#7f7f7f",
              dashed: true,
              points: spike.forecastSeries.map((p) => [p.t, p.backlog] as const),
            },
            { label: "bills sent", color: "#4472c4", points: spike.series.map((p) => [p.t, p.arrived] as const) },
          ]),
        ]
      : []),
    ...(memory
      ? [
          lineChart("Service memory after full GC", "requests", "MiB", [
            {
              label: "heap used",
              color: "#4472c4",
              points: memory.samples.map((p) => [p.requests, p.heapUsedMiB] as const),
            },
            { label: "RSS", color: "#ed7d31", points: memory.samples.map((p) => [p.requests, p.rssMiB] as const) },
          ]),
        ]
      : []),
  ];
}

export function renderHtml(r: BenchResults): string {
  const charts = [...(r.compare ? compareCharts(r.compare) : []), ...ingestCharts(r), ...memoryAndSpikeCharts(r)].join(
    "\n",
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bench ${esc(r.runId)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}pre{background:#f6f6f6;padding:1em;overflow:auto}figure{margin:1.5em 0}figcaption{font-weight:bold;margin-bottom:.3em}</style>
</head><body>
<h1>Local benchmark ${esc(r.runId)}</h1>
<pre>${esc(renderTable(r))}</pre>
${charts}
<p>Raw figures: <code>bench-results/latest.json</code>. How to read them: scripts/verify/bench/README.md.</p>
</body></html>
`;
}
