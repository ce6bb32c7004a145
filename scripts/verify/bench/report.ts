/**
 * The benchmark's output: a plain-text table for the terminal and README, and a self-contained
 * HTML page (inline SVG charts, no scripts or external assets) to look at. Pure functions.
 */
import type { LoadResult } from "./ingest-load.ts";
import type { MemoryResult } from "./memory.ts";
import type { ProfileShare } from "./profile.ts";
import type { SpikeResult } from "./spike.ts";
import type { LatencySummary } from "./stats.ts";

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
  readonly machine: {
    readonly cores: number;
    /** 1-minute load average at the start and the end: other work on the machine skews the figures. */
    readonly loadAverage: { readonly start: number; readonly end: number };
    readonly cpu: string;
    readonly memoryGiB: number;
    readonly node: string;
  };
  readonly plan: Record<string, unknown>;
  readonly ingest: { readonly small: IngestFigures; readonly large: IngestFigures };
  readonly cpu: {
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
  readonly memory: MemoryResult;
  readonly spike: SpikeResult;
  readonly seconds: number;
}

/** The targets of issue 8, as checks over the results. */
export function verdicts(r: BenchResults): { readonly name: string; readonly value: number; readonly ok: boolean }[] {
  return [
    {
      name: "ingest overhead ratio (service/direct, 100 KiB) >= 0.85",
      value: r.ingest.small.serviceOverDirect,
      ok: r.ingest.small.serviceOverDirect >= 0.85,
    },
    { name: "CPU per bill <= 2.0x the floor", value: r.cpu.overFloor, ok: r.cpu.overFloor <= 2.0 },
    {
      name: "heap growth after warm-up < 5 %",
      value: r.memory.heapGrowthAfterWarmupPct,
      ok: r.memory.heapGrowthAfterWarmupPct < 5,
    },
    { name: "Zoho 429s during the spike == 0", value: r.spike.zoho429, ok: r.spike.zoho429 === 0 },
  ];
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

export function renderTable(r: BenchResults): string {
  const w = [22, 10, 9, 9, 9, 9, 8];
  const lines = [
    `bench ${r.runId} ${r.startedAt} on ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}${r.quick ? "  [--quick: not comparable]" : ""}`,
    `load average ${r.machine.loadAverage.start} at the start, ${r.machine.loadAverage.end} at the end (other work on the machine lowers every figure)`,
    "",
    row(["ingest", "bills/s", "p50 ms", "p95 ms", "p99 ms", "accepted", "other"], w),
    ...[...ingestRows("100 KiB c=32", r.ingest.small), ...ingestRows("5 MiB c=4", r.ingest.large)].map((c) =>
      row(c, w),
    ),
    `service/direct: 100 KiB ${r.ingest.small.serviceOverDirect}, 5 MiB ${r.ingest.large.serviceOverDirect}`,
    "",
    `CPU per accepted 100 KiB bill: service ${r.cpu.serviceMsPerBill} ms, floor (JSON+base64+SHA-256) ${r.cpu.floorMsPerBill} ms = ${r.cpu.overFloor}x; direct path process ${r.cpu.directProcessMsPerBill} ms`,
    `where the service's CPU goes (profile, ${r.cpu.profile.busyMsPerBill} ms busy per bill):`,
    ...r.cpu.profile.byGroup
      .slice(0, 8)
      .map((g) => `  ${g.name.padEnd(40)} ${String(g.msPerBill).padStart(7)} ms/bill  ${g.pct} %`),
    `memory over ${r.memory.requests} requests (${r.memory.accepted} new, ${r.memory.replayed} replays): heap after GC ${r.memory.samples[1]?.heapUsedMiB} -> ${r.memory.samples.at(-1)?.heapUsedMiB} MiB (${r.memory.heapGrowthAfterWarmupPct} % after warm-up), RSS ${r.memory.samples[1]?.rssMiB} -> ${r.memory.samples.at(-1)?.rssMiB} MiB (${r.memory.rssGrowthAfterWarmupPct} %)`,
    `compressed spike (${r.spike.bills} bills, ${r.spike.workers} workers): peak backlog ${r.spike.peakBacklog} at ${r.spike.peakAtSeconds} s (model ${r.spike.forecast.peakBacklog}), empty ${r.spike.drainSecondsAfterLoad ?? "never"} s after the last arrival (model: at ${r.spike.forecast.drainedAtSeconds} s, measured ${r.spike.drainedAtSeconds ?? "n/a"} s)`,
    `delivery while saturated: ${r.spike.deliveryPerSecond} bills/s; fleet limit ${r.spike.fleetLimitPerSecond}/s, simulator limit ${r.spike.simLimitPerSecond}/s; Zoho 429s ${r.spike.zoho429}; failed ${r.spike.failed}`,
    "",
    ...verdicts(r).map((v) => `${v.ok ? "PASS" : "MISS"}  ${v.name}: ${v.value}`),
    `total ${r.seconds} s`,
  ];
  return `${lines.join("\n")}\n`;
}

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);

interface Line {
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
}

/** A line chart as inline SVG with axes, ticks and a legend. */
export function lineChart(title: string, xLabel: string, yLabel: string, lines: readonly Line[]): string {
  const W = 720;
  const H = 300;
  const L = 60;
  const B = 40;
  const all = lines.flatMap((l) => l.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const yMax = Math.max(1, ...all.map((p) => p[1])) * 1.1;
  const x = (v: number): number => L + (v / xMax) * (W - L - 20);
  const y = (v: number): number => H - B - (v / yMax) * (H - B - 30);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const paths = lines
    .map(
      (l) =>
        `<polyline fill="none" stroke="${l.color}" stroke-width="2"${l.dashed ? ' stroke-dasharray="6 4"' : ""} points="${l.points
          .map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`)
          .join(" ")}"/>`,
    )
    .join("");
  const legend = lines
    .map((l, i) => `<text x="${L + 10 + i * 200}" y="18" fill="${l.color}" font-size="12">— ${esc(l.label)}</text>`)
    .join("");
  const grid = ticks
    .map(
      (f) =>
        `<line x1="${L}" x2="${W - 20}" y1="${y(f * yMax)}" y2="${y(f * yMax)}" stroke="#eee"/>` +
        `<text x="${L - 6}" y="${y(f * yMax) + 4}" font-size="11" text-anchor="end">${Math.round(f * yMax)}</text>` +
        `<text x="${x(f * xMax)}" y="${H - B + 16}" font-size="11" text-anchor="middle">${Math.round(f * xMax)}</text>`,
    )
    .join("");
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">${grid}
<line x1="${L}" y1="${H - B}" x2="${W - 20}" y2="${H - B}" stroke="#333"/><line x1="${L}" y1="30" x2="${L}" y2="${H - B}" stroke="#333"/>
<text x="${(W + L) / 2}" y="${H - 6}" font-size="12" text-anchor="middle">${esc(xLabel)}</text>
<text x="14" y="${H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${esc(yLabel)}</text>
${paths}${legend}</svg></figure>`;
}

/** Horizontal bars (throughput and latency side by side). */
export function barChart(
  title: string,
  unit: string,
  bars: readonly { readonly label: string; readonly value: number }[],
): string {
  const W = 720;
  const rowH = 26;
  const L = 200;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const body = bars
    .map((b, i) => {
      const w = (b.value / max) * (W - L - 90);
      return `<text x="${L - 8}" y="${i * rowH + 18}" font-size="12" text-anchor="end">${esc(b.label)}</text><rect x="${L}" y="${i * rowH + 5}" width="${w.toFixed(1)}" height="18" fill="#4472c4"/><text x="${L + w + 6}" y="${i * rowH + 18}" font-size="12">${b.value} ${esc(unit)}</text>`;
    })
    .join("");
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${bars.length * rowH + 10}" role="img" aria-label="${esc(title)}">${body}</svg></figure>`;
}

export function renderHtml(r: BenchResults): string {
  const s = r.ingest.small;
  const l = r.ingest.large;
  const charts = [
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
      r.cpu.profile.byGroup.slice(0, 10).map((g) => ({ label: g.name.slice(0, 30), value: g.msPerBill })),
    ),
    barChart("CPU per accepted 100 KiB bill (ms)", "ms", [
      { label: "service process", value: r.cpu.serviceMsPerBill },
      { label: "floor: JSON+base64+SHA-256", value: r.cpu.floorMsPerBill },
      { label: "direct-path process", value: r.cpu.directProcessMsPerBill },
    ]),
    lineChart("Compressed spike: delivery backlog over time", "seconds from the first bill", "bills", [
      { label: "backlog (measured)", color: "#c00000", points: r.spike.series.map((p) => [p.t, p.backlog] as const) },
      {
        label: "backlog (fluid model)",
        color: "#7f7f7f",
        dashed: true,
        points: r.spike.forecastSeries.map((p) => [p.t, p.backlog] as const),
      },
      { label: "bills sent", color: "#4472c4", points: r.spike.series.map((p) => [p.t, p.arrived] as const) },
    ]),
    lineChart("Service memory after full GC", "requests", "MiB", [
      {
        label: "heap used",
        color: "#4472c4",
        points: r.memory.samples.map((p) => [p.requests, p.heapUsedMiB] as const),
      },
      { label: "RSS", color: "#ed7d31", points: r.memory.samples.map((p) => [p.requests, p.rssMiB] as const) },
    ]),
  ].join("\n");
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
