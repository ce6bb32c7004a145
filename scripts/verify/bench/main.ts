/**
 * npm run bench (via scripts/verify/bench/run.sh): the local benchmark. Runs the chosen phases on
 * one isolated copy of the local stack, prints the figures and writes bench-results/bench-<time>.json,
 * bench-results/latest.json and bench-results/report.html.
 *   --phase compare,ingest,memory,spike  which phases (default: all, in this order)
 *   --quick                              every phase shortened (for trying changes, not for figures)
 *   --stand-ins moto                     plain moto for S3 and SQS instead of the performance stand-ins
 *   --fleet-per-minute 95                the workers' Zoho limit in the spike (default 98, as in production)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { newRunId } from "../../../loadtest/shared/payload.ts";
import { compressProfile, scaleProfileRates, spikeProfile } from "../../../loadtest/shared/profiles.ts";
import { type PerfStandIns, startPerfStandIns } from "../stand-ins/perf-stand-ins.ts";
import { Bills } from "./bodies.ts";
import { compareWithSeed } from "./compare.ts";
import { ingestPhase } from "./ingest-phase.ts";
import { memoryRun } from "./memory.ts";
import { type BenchResults, renderHtml, renderTable } from "./report.ts";
import { spikeRun } from "./spike.ts";
import { BenchStack, freePort, ROOT, type ZohoLimits } from "./stack.ts";
import { round } from "./stats.ts";

const PHASES = ["compare", "ingest", "memory", "spike"] as const;
type Phase = (typeof PHASES)[number];
const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    phase: { type: "string", default: PHASES.join(",") },
    "stand-ins": { type: "string", default: "perf" },
    // The fleet limiter's calls per minute against Zoho's 100 (production default: 98, lib/config.ts).
    "fleet-per-minute": { type: "string", default: "98" },
  },
});
const phases = new Set(args.phase.split(",").map((p) => p.trim()));
for (const p of phases) if (!PHASES.includes(p as Phase)) throw new Error(`unknown phase ${p}; one of ${PHASES}`);
if (args["stand-ins"] !== "perf" && args["stand-ins"] !== "moto") throw new Error("--stand-ins is perf or moto");
const quick = args.quick;
const t0 = performance.now();
const q = (full: number, short: number): number => (quick ? short : full);

/** Everything that shapes a run, recorded with the results. */
const PLAN = {
  compare: { sizeBytes: 100 * 1024, connections: 32, durationS: q(20, 10), profileS: 5 },
  small: { sizeBytes: 100 * 1024, connections: 32, durationS: q(20, 4) },
  large: { sizeBytes: 5 * 1024 * 1024, connections: 4, durationS: q(10, 3) },
  memory: {
    sizeBytes: 16 * 1024,
    // Retries are CPU-bound in the service: 8 connections keep it busy without queueing (fastest here).
    connections: 8,
    chunks: 10,
    newPerChunk: q(100, 40),
    retriesPerChunk: q(4_900, 260),
    retryPool: 500,
  },
  spike: { timeCompression: 30, rateScale: 6 / 30, workers: 3, sizeBytes: 16 * 1024 },
};

// Spike-10x 30x faster with a fifth of the bills: 70 s of load. The Zoho limits are scaled the same
// way (real: simulator 100/min, fleet 98/min; here per 2 s window, times 6/30 of the count).
const WINDOW_MS = 60_000 / PLAN.spike.timeCompression;
const SCALE = PLAN.spike.rateScale * PLAN.spike.timeCompression;
const LIMITS: ZohoLimits = {
  simPerWindow: Math.round((100 * SCALE) / PLAN.spike.timeCompression),
  fleetPerWindow: Math.round((Number(args["fleet-per-minute"]) * SCALE) / PLAN.spike.timeCompression),
  windowMs: WINDOW_MS,
};

const log = (msg: string): void => {
  const at = ((performance.now() - t0) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`\u001b[1;34m==>\u001b[0m ${at} s  ${msg}\n`);
};

const runId = newRunId();
const startedAt = new Date();
log(`bench ${runId}: ${[...phases].join(", ")}${quick ? " (quick: shapes shortened, figures not comparable)" : ""}`);
// Other work on the machine skews every figure here; say so up front, and record it.
const loadAtStart = round(loadavg()[0] ?? 0);
if (loadAtStart > availableParallelism() / 2) {
  log(`warning: load average ${loadAtStart} on ${availableParallelism()} cores before the start: figures will be low`);
}
const logDir = join(ROOT, "bench-results", "logs");
mkdirSync(logDir, { recursive: true });
let standIns: PerfStandIns | undefined;
if (args["stand-ins"] === "perf") {
  standIns = await startPerfStandIns(ROOT, logDir, { s3: await freePort(), sqs: await freePort() }, "gofakes3");
  // The bench's own clients (harness, clean-up) and every child talk to them.
  process.env.AWS_ENDPOINT_URL_S3 = standIns.s3Url;
  process.env.AWS_ENDPOINT_URL_SQS = standIns.sqsUrl;
  log(`performance stand-ins: ${standIns.description}`);
}
const endpoints = standIns ? { AWS_ENDPOINT_URL_S3: standIns.s3Url, AWS_ENDPOINT_URL_SQS: standIns.sqsUrl } : {};
const stack = await BenchStack.create(endpoints, { bucketEncryption: standIns?.bucketEncryption ?? true });
let results: BenchResults | undefined;
try {
  await stack.startSimulator(LIMITS);
  await stack.startService();
  const figures: { -readonly [K in keyof BenchResults]?: BenchResults[K] } = {};
  if (phases.has("compare")) {
    log(`service against the seed's stack: 100 KiB at concurrency ${PLAN.compare.connections}, ABBA`);
    figures.compare = await compareWithSeed(
      stack,
      { service: new Bills(runId, "cs", PLAN.compare.sizeBytes), seed: new Bills(runId, "ce", PLAN.compare.sizeBytes) },
      PLAN.compare,
      { description: standIns?.description ?? "moto_server (S3 and SQS)", pids: standIns?.pids ?? null },
      log,
    );
  }
  if (phases.has("ingest")) Object.assign(figures, await ingestPhase(stack, runId, PLAN, log));
  if (phases.has("memory")) {
    const perChunk = PLAN.memory.newPerChunk + PLAN.memory.retriesPerChunk;
    log(
      `memory: ${PLAN.memory.chunks * perChunk} requests of 16 KiB bills (new and retried), heap after GC every ${perChunk}`,
    );
    figures.memory = await memoryRun(stack, new Bills(runId, "m", PLAN.memory.sizeBytes), PLAN.memory);
  }
  if (phases.has("spike")) {
    const spikeShape = scaleProfileRates(
      compressProfile(spikeProfile(), PLAN.spike.timeCompression),
      PLAN.spike.rateScale,
    );
    log(`compressed spike: ${spikeShape.description}; ${PLAN.spike.workers} workers`);
    figures.spike = await spikeRun(stack, new Bills(runId, "k", PLAN.spike.sizeBytes), {
      profile: spikeShape,
      limits: LIMITS,
      workers: PLAN.spike.workers,
      prefix: `lt-${runId}-k-`,
    });
  }
  results = {
    runId,
    startedAt: startedAt.toISOString(),
    quick,
    phases: [...phases],
    standIns: standIns?.description ?? "moto_server (S3 and SQS)",
    machine: {
      cores: availableParallelism(),
      loadAverage: { start: loadAtStart, end: round(loadavg()[0] ?? 0) },
      cpu: cpus()[0]?.model ?? "unknown",
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
    },
    plan: { ...PLAN, spikeLimits: LIMITS },
    ...figures,
    seconds: round((performance.now() - t0) / 1000, 1),
  };
} finally {
  log("stopping the stack and removing its data");
  await stack.stop();
  await standIns?.stop();
}
if (!results) throw new Error("the benchmark did not complete");

const dir = join(ROOT, "bench-results");
const json = `${JSON.stringify(results, null, 2)}\n`;
const file = join(dir, `bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, json);
writeFileSync(join(dir, "latest.json"), json);
writeFileSync(join(dir, "report.html"), renderHtml(results));
process.stdout.write(renderTable(results));
log(
  `wrote ${file}, bench-results/latest.json and bench-results/report.html in ${round((performance.now() - t0) / 1000, 0)} s`,
);
