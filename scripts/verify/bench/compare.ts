/**
 * The service against the seed's stack (seed-stack/server.ts) doing the same ingest work on the
 * same stand-ins, database, buckets and queue, in one run. Runs alternate in ABBA order (service,
 * seed, seed, service at full speed; then the same at a fixed rate) so that drift in the stand-ins
 * lands on both sides equally. CPU per accepted bill is all of the server process's CPU over its
 * own runs (background work included) divided by the bills it accepted (202s).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { procCpuMs } from "../stand-ins/perf-stand-ins.ts";
import type { Bills } from "./bodies.ts";
import { fixedRateLoad, ingestLoad, type LoadResult } from "./ingest-load.ts";
import { type CpuProfile, type ProfileShare, summarizeProfile } from "./profile.ts";
import { type BenchStack, ROOT } from "./stack.ts";
import { type LatencySummary, round } from "./stats.ts";

export interface CompareShape {
  readonly sizeBytes: number;
  readonly connections: number;
  /** Seconds per side at full speed (two halves each), and again at half the service's maximum. */
  readonly durationS: number;
  /** Seconds of CPU profile per side after the measured runs (0: none). */
  readonly profileS: number;
}

export interface SideFigures {
  readonly accepted: number;
  readonly requests: number;
  readonly otherStatus: Record<string, number>;
  readonly errors: number;
  readonly acceptedPerSecond: number;
  readonly latencyMs: LatencySummary;
  /** All of the process's CPU over its full-speed runs / bills accepted in them. */
  readonly cpuMsPerBill: number;
  /** The kernel's share of cpuMsPerBill (system time: socket reads and writes, mostly). */
  readonly systemMsPerBill?: number;
  /** At the fixed rate (half the service's maximum): what was reached and its latency. */
  readonly atHalfRate: { readonly acceptedPerSecond: number; readonly latencyMs: LatencySummary };
}

export interface CompareResult {
  readonly standIns: string;
  readonly shape: CompareShape;
  readonly service: SideFigures;
  readonly seed: SideFigures;
  /** The service's CPU per second while idle: its background work (sweeper, metrics, pressure sampling). */
  readonly serviceIdleCpuMsPerSecond: number;
  /** Stand-ins' CPU per accepted bill (null on plain moto): they should not be the bottleneck. */
  readonly standInCpuMsPerBill: { readonly s3: number; readonly sqs: number } | null;
  readonly halfRatePerSecond: number;
  /** Where each side's CPU goes at full speed (self time per package/file, ms per accepted bill). */
  readonly profiles?: Record<Side, readonly (ProfileShare & { readonly msPerBill: number })[]>;
  readonly ratios: {
    /** service / seed CPU per accepted bill (goal <= 0.5). */
    readonly cpuPerBill: number;
    /** service / seed accepted bills per second (goal >= 1.5). */
    readonly throughput: number;
  };
}

type Side = "service" | "seed";
const PROBE_NAME: Record<Side, string> = { service: "service", seed: "seed-stack" };

interface Window {
  accepted: number;
  cpuMs: number;
  systemMs: number;
  loads: LoadResult[];
}

function merged(loads: readonly LoadResult[]): Omit<SideFigures, "cpuMsPerBill" | "atHalfRate"> {
  const all = <K extends "accepted" | "requests" | "errors">(k: K): number => loads.reduce((s, l) => s + l[k], 0);
  const mean = (f: (l: LoadResult) => number): number => round(loads.reduce((s, l) => s + f(l), 0) / loads.length);
  return {
    accepted: all("accepted"),
    requests: all("requests"),
    errors: all("errors"),
    otherStatus: Object.assign({}, ...loads.map((l) => l.otherStatus)) as Record<string, number>,
    acceptedPerSecond: mean((l) => l.acceptedPerSecond),
    latencyMs: {
      p50: mean((l) => l.latencyMs.p50),
      p95: mean((l) => l.latencyMs.p95),
      p99: mean((l) => l.latencyMs.p99),
      max: Math.max(...loads.map((l) => l.latencyMs.max)),
    },
  };
}

/** A CPU profile of each side under the same load, written to bench-results/<side>-compare.cpuprofile. */
async function profileBoth(
  stack: BenchStack,
  load: (side: Side, durationS: number) => Promise<LoadResult>,
  seconds: number,
): Promise<Record<Side, (ProfileShare & { msPerBill: number })[]>> {
  const out = {} as Record<Side, (ProfileShare & { msPerBill: number })[]>;
  for (const side of ["service", "seed"] as const) {
    const file = join(ROOT, "bench-results", `${side}-compare.cpuprofile`);
    await stack.profileService({ profile: "start" }, PROBE_NAME[side]);
    const result = await load(side, seconds);
    await stack.profileService({ profile: "stop", file }, PROBE_NAME[side]);
    const summary = summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, 16);
    out[side] = summary.byGroup.map((g) => ({ ...g, msPerBill: round(g.ms / Math.max(1, result.accepted), 3) }));
  }
  return out;
}

/** The service's CPU per second with no requests (after 2 s for the last ones to finish). */
async function idleCpuMsPerSecond(cpu: Cpu, seconds: number): Promise<number> {
  await delay(2000);
  const before = await cpu("service");
  await delay(seconds * 1000);
  return round(((await cpu("service")).total - before.total) / seconds, 2);
}

type Load = (side: Side, durationS: number, ratePerSecond?: number) => Promise<LoadResult>;
/** A side's CPU so far, ms: user + system, and system alone. */
type Cpu = (side: Side) => Promise<{ total: number; system: number }>;

/** Full speed, ABBA: each side's loads, CPU over its own runs and bills accepted. */
async function fullSpeed(load: Load, cpu: Cpu, halfS: number, log: (msg: string) => void) {
  const full: Record<Side, Window> = {
    service: { accepted: 0, cpuMs: 0, systemMs: 0, loads: [] },
    seed: { accepted: 0, cpuMs: 0, systemMs: 0, loads: [] },
  };
  for (const side of ["service", "seed", "seed", "service"] as const) {
    const before = await cpu(side);
    const result = await load(side, halfS);
    const after = await cpu(side);
    const used = after.total - before.total;
    full[side].cpuMs += used;
    full[side].systemMs += after.system - before.system;
    full[side].accepted += result.accepted;
    full[side].loads.push(result);
    const perBill = round(used / Math.max(1, result.accepted), 2);
    log(`  ${side}: ${result.acceptedPerSecond} bills/s, p99 ${result.latencyMs.p99} ms, ${perBill} ms CPU/bill`);
  }
  return full;
}

/** The stand-ins' CPU per accepted bill over `run` (null on plain moto, whose pid the bench does not own). */
async function standInCpuOver<T>(
  pids: { s3: number; sqs: number } | null,
  run: () => Promise<T>,
  accepted: (r: T) => number,
): Promise<{ result: T; perBill: { s3: number; sqs: number } | null }> {
  const before = pids ? { s3: procCpuMs(pids.s3), sqs: procCpuMs(pids.sqs) } : null;
  const result = await run();
  if (!pids || !before) return { result, perBill: null };
  const n = Math.max(1, accepted(result));
  return {
    result,
    perBill: {
      s3: round((procCpuMs(pids.s3) - before.s3) / n, 3),
      sqs: round((procCpuMs(pids.sqs) - before.sqs) / n, 3),
    },
  };
}

export async function compareWithSeed(
  stack: BenchStack,
  bills: { readonly service: Bills; readonly seed: Bills },
  shape: CompareShape,
  standIns: { readonly description: string; readonly pids: { s3: number; sqs: number } | null },
  log: (msg: string) => void,
): Promise<CompareResult> {
  const urls: Record<Side, string> = { service: stack.serviceUrl, seed: await stack.startSeedStack() };
  const cpu: Cpu = async (side) => {
    const { user, system } = (await stack.probe(PROBE_NAME[side])).cpu;
    return { total: (user + system) / 1000, system: system / 1000 };
  };
  const load: Load = (side, durationS, ratePerSecond) => {
    const common = { url: urls[side], apiKey: stack.apiKey, bills: bills[side], durationS };
    return ratePerSecond
      ? fixedRateLoad({ ...common, ratePerSecond })
      : ingestLoad({ ...common, connections: shape.connections });
  };
  // 5 s (~700 bills at full speed): 3 s left the service's first window ~40 % dearer than its
  // second (JIT and pool start-up; 4.91 against 3.51 ms per bill at 00:59 on 2026-12-02).
  log("  warm-up: 5 s each");
  await load("service", 5);
  await load("seed", 5);
  const { result: full, perBill: standInCpu } = await standInCpuOver(
    standIns.pids,
    () => fullSpeed(load, cpu, shape.durationS / 2, log),
    (f) => f.service.accepted + f.seed.accepted,
  );
  const background = await idleCpuMsPerSecond(cpu, shape.durationS / 4);
  const halfRate = Math.max(1, Math.round(merged(full.service.loads).acceptedPerSecond / 2));
  log(`  at half the service's maximum: ${halfRate} bills/s, ${shape.durationS / 2} s each`);
  const half: Record<Side, LoadResult[]> = { service: [], seed: [] };
  for (const side of ["service", "seed"] as const) half[side].push(await load(side, shape.durationS / 2, halfRate));

  const figures = (side: Side): SideFigures => {
    const h = merged(half[side]);
    return {
      ...merged(full[side].loads),
      cpuMsPerBill: round(full[side].cpuMs / Math.max(1, full[side].accepted), 3),
      systemMsPerBill: round(full[side].systemMs / Math.max(1, full[side].accepted), 3),
      atHalfRate: { acceptedPerSecond: h.acceptedPerSecond, latencyMs: h.latencyMs },
    };
  };
  const service = figures("service");
  const seed = figures("seed");
  return {
    standIns: standIns.description,
    shape,
    service,
    seed,
    serviceIdleCpuMsPerSecond: background,
    standInCpuMsPerBill: standInCpu,
    halfRatePerSecond: halfRate,
    profiles: shape.profileS > 0 ? await profileBoth(stack, load, shape.profileS) : undefined,
    ratios: {
      cpuPerBill: round(service.cpuMsPerBill / seed.cpuMsPerBill, 2),
      throughput: round(service.acceptedPerSecond / Math.max(0.01, seed.acceptedPerSecond), 2),
    },
  };
}
