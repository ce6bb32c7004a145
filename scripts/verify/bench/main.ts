/**
 * npm run bench (via scripts/verify/bench/run.sh): the local benchmark. Runs every phase on one isolated
 * copy of the local stack, prints the figures and writes bench-results/bench-<time>.json,
 * bench-results/latest.json and bench-results/report.html. Phases and their shapes are below;
 * `--quick` shortens every phase (for trying changes, not for figures).
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { newRunId } from "../../../loadtest/lib/payload.ts";
import { compressProfile, scaleProfileRates, spikeProfile } from "../../../loadtest/lib/profiles.ts";
import { Bills } from "./bodies.ts";
import { floorMsPerBill } from "./floor.ts";
import { ingestLoad, type LoadResult } from "./ingest-load.ts";
import { memoryRun } from "./memory.ts";
import { type CpuProfile, summarizeProfile } from "./profile.ts";
import { type BenchResults, type DirectResult, renderHtml, renderTable } from "./report.ts";
import type { ProbeReply } from "./service-probe.ts";
import { spikeRun } from "./spike.ts";
import { BenchStack, ROOT, type ZohoLimits } from "./stack.ts";
import { type LatencySummary, round } from "./stats.ts";

const quick = process.argv.includes("--quick");
const t0 = performance.now();
const q = (full: number, short: number): number => (quick ? short : full);

/** Everything that shapes a run, recorded with the results. */
const PLAN = {
  small: { sizeBytes: 100 * 1024, connections: 32, durationS: q(20, 4) },
  large: { sizeBytes: 5 * 1024 * 1024, connections: 4, durationS: q(10, 3) },
  memory: {
    sizeBytes: 16 * 1024,
    // Replays are CPU-bound in the service: 8 connections keep it busy without queueing (fastest here).
    connections: 8,
    chunks: 10,
    newPerChunk: q(100, 40),
    replaysPerChunk: q(4_900, 260),
    replayPool: 500,
  },
  spike: { timeCompression: 30, rateScale: 6 / 30, workers: 3, sizeBytes: 16 * 1024 },
};

// Spike-10x 30x faster with a fifth of the bills: 70 s of load. The Zoho limits are scaled the same
// way (real: simulator 100/min, fleet 80/min; here per 2 s window, times 6/30 of the count).
const WINDOW_MS = 60_000 / PLAN.spike.timeCompression;
const SCALE = PLAN.spike.rateScale * PLAN.spike.timeCompression;
const LIMITS: ZohoLimits = {
  simPerWindow: Math.round((100 * SCALE) / PLAN.spike.timeCompression),
  fleetPerWindow: Math.round((80 * SCALE) / PLAN.spike.timeCompression),
  windowMs: WINDOW_MS,
};

const log = (msg: string): void => {
  const at = ((performance.now() - t0) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`\u001b[1;34m==>\u001b[0m ${at} s  ${msg}\n`);
};

async function direct(stack: BenchStack, shape: object): Promise<DirectResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ROOT, "scripts/verify/bench/direct-runner.ts"), JSON.stringify(shape)],
    { env: stack.test.env as NodeJS.ProcessEnv, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as DirectResult;
}

/** Two halves of one measurement as one: counts added, rates and percentiles averaged. */
function meanLoad(a: LoadResult, b: LoadResult): LoadResult {
  const avg = (x: number, y: number): number => round((x + y) / 2);
  return {
    requests: a.requests + b.requests,
    accepted: a.accepted + b.accepted,
    replayed: a.replayed + b.replayed,
    otherStatus: { ...a.otherStatus, ...b.otherStatus },
    errors: a.errors + b.errors,
    seconds: round(a.seconds + b.seconds),
    acceptedPerSecond: avg(a.acceptedPerSecond, b.acceptedPerSecond),
    latencyMs: meanLatency(a.latencyMs, b.latencyMs),
    megabytesPerSecond: avg(a.megabytesPerSecond, b.megabytesPerSecond),
  };
}

function meanDirect(a: DirectResult, b: DirectResult): DirectResult {
  const avg = (x: number, y: number): number => round((x + y) / 2, 3);
  return {
    accepted: a.accepted + b.accepted,
    errors: a.errors + b.errors,
    seconds: round(a.seconds + b.seconds),
    acceptedPerSecond: avg(a.acceptedPerSecond, b.acceptedPerSecond),
    latencyMs: meanLatency(a.latencyMs, b.latencyMs),
    cpuMsPerBill: avg(a.cpuMsPerBill, b.cpuMsPerBill),
  };
}

function meanLatency(a: LatencySummary, b: LatencySummary): LatencySummary {
  return {
    p50: round((a.p50 + b.p50) / 2),
    p95: round((a.p95 + b.p95) / 2),
    p99: round((a.p99 + b.p99) / 2),
    max: Math.max(a.max, b.max),
  };
}

const runId = newRunId();
const startedAt = new Date();
log(`bench ${runId}${quick ? " (quick: shapes shortened, figures not comparable)" : ""}`);
// Other work on the machine skews every figure here; say so up front, and record it.
const loadAtStart = round(loadavg()[0] ?? 0);
if (loadAtStart > availableParallelism() / 2) {
  log(`warning: load average ${loadAtStart} on ${availableParallelism()} cores before the start: figures will be low`);
}
const stack = await BenchStack.create();
let results: BenchResults | undefined;
try {
  await stack.startSimulator(LIMITS);
  await stack.startService();

  const small = new Bills(runId, "s", PLAN.small.sizeBytes);
  log("warm-up: 3 s of 100 KiB bills via HTTP, 2 s direct");
  await ingestLoad({ url: stack.serviceUrl, apiKey: stack.apiKey, bills: small, connections: 32, durationS: 3 });
  await direct(stack, { sizeBytes: PLAN.small.sizeBytes, connections: 32, durationS: 2, runId, stream: "dw" });

  // HTTP and direct alternate (direct, HTTP, direct, HTTP) and each figure is the mean of its two
  // halves: moto slows down as its buckets fill, and a fixed order would hand that drift to one side.
  log(
    `ingest 100 KiB at concurrency ${PLAN.small.connections}: 2 x ${PLAN.small.durationS / 2} s direct and via HTTP, alternating`,
  );
  const half = <P extends { durationS: number }>(p: P): P => ({ ...p, durationS: p.durationS / 2 });
  const directSmallA = await direct(stack, { ...half(PLAN.small), runId, stream: "ds1" });
  const cpuBefore = await stack.probeService(false);
  const httpSmallA = await ingestLoad({
    url: stack.serviceUrl,
    apiKey: stack.apiKey,
    bills: small,
    ...half(PLAN.small),
  });
  const cpuMid = await stack.probeService(false);
  const directSmallB = await direct(stack, { ...half(PLAN.small), runId, stream: "ds2" });
  const cpuMid2 = await stack.probeService(false);
  const httpSmallB = await ingestLoad({
    url: stack.serviceUrl,
    apiKey: stack.apiKey,
    bills: small,
    ...half(PLAN.small),
  });
  const cpuAfter = await stack.probeService(false);
  const cpuMs = (a: ProbeReply, b: ProbeReply): number =>
    (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1000;
  const serviceCpuMs = cpuMs(cpuBefore, cpuMid) + cpuMs(cpuMid2, cpuAfter);
  const ingestSmall = meanLoad(httpSmallA, httpSmallB);
  const directSmall = meanDirect(directSmallA, directSmallB);
  log(
    `  HTTP ${httpSmallA.acceptedPerSecond} then ${httpSmallB.acceptedPerSecond}/s; direct ${directSmallA.acceptedPerSecond} then ${directSmallB.acceptedPerSecond}/s`,
  );

  log(
    `ingest 5 MiB at concurrency ${PLAN.large.connections}: 2 x ${PLAN.large.durationS / 2} s direct and via HTTP, alternating`,
  );
  const large = new Bills(runId, "l", PLAN.large.sizeBytes);
  await ingestLoad({ url: stack.serviceUrl, apiKey: stack.apiKey, bills: large, connections: 4, amount: 8 });
  const directLargeA = await direct(stack, { ...half(PLAN.large), runId, stream: "dl1" });
  const httpLargeA = await ingestLoad({
    url: stack.serviceUrl,
    apiKey: stack.apiKey,
    bills: large,
    ...half(PLAN.large),
  });
  const directLargeB = await direct(stack, { ...half(PLAN.large), runId, stream: "dl2" });
  const httpLargeB = await ingestLoad({
    url: stack.serviceUrl,
    apiKey: stack.apiKey,
    bills: large,
    ...half(PLAN.large),
  });
  const ingestLarge = meanLoad(httpLargeA, httpLargeB);
  const directLarge = meanDirect(directLargeA, directLargeB);
  log(
    `  HTTP ${httpLargeA.acceptedPerSecond} then ${httpLargeB.acceptedPerSecond}/s; direct ${directLargeA.acceptedPerSecond} then ${directLargeB.acceptedPerSecond}/s`,
  );

  log("CPU profile of the service over 5 s of 100 KiB bills (not part of the figures above)");
  const profileFile = join(ROOT, "bench-results", "service-100kib.cpuprofile");
  await stack.profileService({ profile: "start" });
  const profiled = await ingestLoad({
    url: stack.serviceUrl,
    apiKey: stack.apiKey,
    bills: small,
    connections: 32,
    durationS: 5,
  });
  await stack.profileService({ profile: "stop", file: profileFile });
  const profile = summarizeProfile(JSON.parse(readFileSync(profileFile, "utf8")) as CpuProfile);
  const perBill = (ms: number): number => round(ms / Math.max(1, profiled.accepted), 3);

  log("CPU floor: JSON parse + base64 decode + SHA-256 of the same 100 KiB bodies");
  const floorBills = new Bills(runId, "f", PLAN.small.sizeBytes);
  const floorBodies = Array.from({ length: 200 }, () => JSON.stringify(floorBills.next()));
  const floorMs = floorMsPerBill(floorBodies);
  const cpuPerBill = serviceCpuMs / Math.max(1, ingestSmall.accepted);

  const perChunk = PLAN.memory.newPerChunk + PLAN.memory.replaysPerChunk;
  log(
    `memory: ${PLAN.memory.chunks * perChunk} requests of 16 KiB bills (new and replayed), heap after GC every ${perChunk}`,
  );
  const memory = await memoryRun(stack, new Bills(runId, "m", PLAN.memory.sizeBytes), PLAN.memory);

  const spikeShape = scaleProfileRates(
    compressProfile(spikeProfile(), PLAN.spike.timeCompression),
    PLAN.spike.rateScale,
  );
  log(`compressed spike: ${spikeShape.description}; ${PLAN.spike.workers} workers`);
  const spike = await spikeRun(stack, new Bills(runId, "k", PLAN.spike.sizeBytes), {
    profile: spikeShape,
    limits: LIMITS,
    workers: PLAN.spike.workers,
    prefix: `lt-${runId}-k-`,
  });

  const ratio = (a: number, b: number): number => round(a / b, 2);
  results = {
    runId,
    startedAt: startedAt.toISOString(),
    quick,
    machine: {
      cores: availableParallelism(),
      loadAverage: { start: loadAtStart, end: round(loadavg()[0] ?? 0) },
      cpu: cpus()[0]?.model ?? "unknown",
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
    },
    plan: { ...PLAN, spikeLimits: LIMITS },
    ingest: {
      small: {
        ...ingestSmall,
        direct: directSmall,
        serviceOverDirect: ratio(ingestSmall.acceptedPerSecond, directSmall.acceptedPerSecond),
      },
      large: {
        ...ingestLarge,
        direct: directLarge,
        serviceOverDirect: ratio(ingestLarge.acceptedPerSecond, directLarge.acceptedPerSecond),
      },
    },
    cpu: {
      serviceMsPerBill: round(cpuPerBill, 3),
      floorMsPerBill: floorMs,
      overFloor: ratio(cpuPerBill, floorMs),
      directProcessMsPerBill: directSmall.cpuMsPerBill,
      profile: {
        file: "bench-results/service-100kib.cpuprofile",
        accepted: profiled.accepted,
        busyMsPerBill: perBill(profile.busyMs),
        byGroup: profile.byGroup.map((g) => ({ ...g, msPerBill: perBill(g.ms) })),
        topFunctions: profile.topFunctions.map((g) => ({ ...g, msPerBill: perBill(g.ms) })),
      },
    },
    memory,
    spike,
    seconds: round((performance.now() - t0) / 1000, 1),
  };
} finally {
  log("stopping the stack and removing its data");
  await stack.stop();
}
if (!results) throw new Error("the benchmark did not complete");

const dir = join(ROOT, "bench-results");
mkdirSync(dir, { recursive: true });
const json = `${JSON.stringify(results, null, 2)}\n`;
const file = join(dir, `bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, json);
writeFileSync(join(dir, "latest.json"), json);
writeFileSync(join(dir, "report.html"), renderHtml(results));
process.stdout.write(renderTable(results));
log(
  `wrote ${file}, bench-results/latest.json and bench-results/report.html in ${round((performance.now() - t0) / 1000, 0)} s`,
);
