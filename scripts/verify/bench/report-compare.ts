/** The comparison with the seed's stack in the report: table lines, verdicts and charts. Pure functions. */
import { barChart } from "./charts.ts";
import type { CompareResult, SideFigures } from "./compare.ts";

/** Issue 17's goals, from one run. */
export const GOALS = { cpuPerBillRatio: 0.5, throughputRatio: 1.5, p99AtHalfMaxMs: 50 } as const;

export function compareVerdicts(c: CompareResult): { name: string; value: number; ok: boolean }[] {
  const p99 = c.service.atHalfRate.latencyMs.p99;
  return [
    {
      name: `CPU per accepted bill, service/seed stack <= ${GOALS.cpuPerBillRatio}`,
      value: c.ratios.cpuPerBill,
      ok: c.ratios.cpuPerBill <= GOALS.cpuPerBillRatio,
    },
    {
      name: `throughput, service/seed stack >= ${GOALS.throughputRatio}`,
      value: c.ratios.throughput,
      ok: c.ratios.throughput >= GOALS.throughputRatio,
    },
    {
      name: `service p99 at half its maximum < ${GOALS.p99AtHalfMaxMs} ms`,
      value: p99,
      ok: p99 < GOALS.p99AtHalfMaxMs,
    },
  ];
}

const pad = (cells: readonly (string | number)[]): string =>
  cells
    .map((c, i) => String(c).padEnd(i === 0 ? 12 : 11))
    .join(" ")
    .trimEnd();

function sideRow(name: string, s: SideFigures): string {
  const h = s.atHalfRate;
  return pad([
    name,
    s.cpuMsPerBill,
    s.acceptedPerSecond,
    s.latencyMs.p50,
    s.latencyMs.p99,
    h.acceptedPerSecond,
    h.latencyMs.p50,
    h.latencyMs.p99,
    s.requests - s.accepted + s.errors,
  ]);
}

export function compareLines(c: CompareResult): string[] {
  const { sizeBytes, connections, durationS } = c.shape;
  return [
    `against the seed's stack (Express + express-rate-limit + pg Pool + AWS SDK v3), ${sizeBytes / 1024} KiB bills, c=${connections}, 2 x ${durationS / 2} s each (ABBA); half rate ${c.halfRatePerSecond}/s`,
    pad(["", "CPU ms/bill", "bills/s", "p50 ms", "p99 ms", "half: /s", "half p50", "half p99", "not 202"]),
    sideRow("service", c.service),
    sideRow("seed stack", c.seed),
    `CPU per bill in the kernel (system time): service ${c.service.systemMsPerBill ?? "-"} ms, seed stack ${c.seed.systemMsPerBill ?? "-"} ms`,
    `ratios (service/seed): CPU per bill ${c.ratios.cpuPerBill}, throughput ${c.ratios.throughput}; service background CPU ${c.serviceIdleCpuMsPerSecond} ms/s`,
    c.standInCpuMsPerBill
      ? `stand-ins' CPU per accepted bill: S3 ${c.standInCpuMsPerBill.s3} ms, SQS ${c.standInCpuMsPerBill.sqs} ms`
      : "stand-ins: plain moto (the bottleneck: read throughput as a floor)",
    ...(c.profiles ? profileLines(c) : []),
    "",
  ];
}

/** The top self-time groups of both sides, side by side, ms per accepted bill. */
function profileLines(c: CompareResult): string[] {
  const { service = [], seed = [] } = c.profiles ?? {};
  const cell = (g: { name: string; msPerBill: number } | undefined): string =>
    g ? `${g.name.slice(0, 34).padEnd(34)} ${String(g.msPerBill).padStart(6)}` : "";
  return [
    `where the time goes (CPU profile, self time, ms per accepted bill; ${c.shape.profileS} s each; wall-clock samples: a descheduled thread counts in its last native call):`,
    `  ${"service".padEnd(41)}   seed stack`,
    ...Array.from({ length: 10 }, (_, i) => `  ${cell(service[i]).padEnd(41)}   ${cell(seed[i])}`.trimEnd()),
  ];
}

export function compareCharts(c: CompareResult): string[] {
  return [
    barChart("Service against the seed's stack: CPU per accepted 100 KiB bill (ms)", "ms", [
      { label: "service", value: c.service.cpuMsPerBill },
      { label: "seed stack", value: c.seed.cpuMsPerBill },
    ]),
    barChart("Service against the seed's stack: accepted bills per second (c=32)", "bills/s", [
      { label: "service", value: c.service.acceptedPerSecond },
      { label: "seed stack", value: c.seed.acceptedPerSecond },
    ]),
    barChart(`Latency at ${c.halfRatePerSecond} bills/s, half the service's maximum (ms)`, "ms", [
      { label: "service p50", value: c.service.atHalfRate.latencyMs.p50 },
      { label: "service p99", value: c.service.atHalfRate.latencyMs.p99 },
      { label: "seed stack p50", value: c.seed.atHalfRate.latencyMs.p50 },
      { label: "seed stack p99", value: c.seed.atHalfRate.latencyMs.p99 },
    ]),
  ];
}
