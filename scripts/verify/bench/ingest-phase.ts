/**
 * The ingest phase: 100 KiB and 5 MiB bills via HTTP against the same backend operations without
 * HTTP (direct-runner.ts), alternating direct, HTTP, direct, HTTP; the service's CPU per accepted
 * bill against the floor; a 5 s CPU profile of the service, summed per package and file.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Bills } from "./bodies.ts";
import { floorMsPerBill } from "./floor.ts";
import { ingestLoad, type LoadResult } from "./ingest-load.ts";
import { type CpuProfile, summarizeProfile } from "./profile.ts";
import type { BenchResults, DirectResult } from "./report.ts";
import type { ProbeReply } from "./service-probe.ts";
import { type BenchStack, ROOT } from "./stack.ts";
import { type LatencySummary, round } from "./stats.ts";

export interface IngestPlan {
  readonly small: { readonly sizeBytes: number; readonly connections: number; readonly durationS: number };
  readonly large: { readonly sizeBytes: number; readonly connections: number; readonly durationS: number };
}

type Figures = Pick<BenchResults, "ingest" | "cpu">;

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
    retried: a.retried + b.retried,
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

interface Alternated {
  readonly http: LoadResult;
  readonly direct: DirectResult;
  /** The service's CPU over its two HTTP halves. */
  readonly serviceCpuMs: number;
}

/**
 * direct, HTTP, direct, HTTP, each half of `shape.durationS`; each figure is the mean of its two
 * halves: stand-ins slow down as they fill, and a fixed order would hand that drift to one side.
 */
async function alternate(
  stack: BenchStack,
  bills: Bills,
  shape: { sizeBytes: number; connections: number; durationS: number },
  runId: string,
  stream: string,
): Promise<Alternated> {
  const half = { ...shape, durationS: shape.durationS / 2 };
  const cpuMs = (a: ProbeReply, b: ProbeReply): number =>
    (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1000;
  const directs: DirectResult[] = [];
  const https: LoadResult[] = [];
  let serviceCpuMs = 0;
  for (const n of [1, 2]) {
    directs.push(await direct(stack, { ...half, runId, stream: `${stream}${n}` }));
    const before = await stack.probeService(false);
    https.push(await ingestLoad({ url: stack.serviceUrl, apiKey: stack.apiKey, bills, ...half }));
    serviceCpuMs += cpuMs(before, await stack.probeService(false));
  }
  const [httpA, httpB] = https as [LoadResult, LoadResult];
  const [directA, directB] = directs as [DirectResult, DirectResult];
  return { http: meanLoad(httpA, httpB), direct: meanDirect(directA, directB), serviceCpuMs };
}

/** A 5 s CPU profile of the service under the same load, summed per package and file, per bill. */
async function profileRun(stack: BenchStack, bills: Bills): Promise<NonNullable<Figures["cpu"]>["profile"]> {
  const file = join(ROOT, "bench-results", "service-100kib.cpuprofile");
  await stack.profileService({ profile: "start" });
  const profiled = await ingestLoad({
    url: stack.serviceUrl,
    apiKey: stack.apiKey,
    bills,
    connections: 32,
    durationS: 5,
  });
  await stack.profileService({ profile: "stop", file });
  const profile = summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
  const perBill = (ms: number): number => round(ms / Math.max(1, profiled.accepted), 3);
  return {
    file: "bench-results/service-100kib.cpuprofile",
    accepted: profiled.accepted,
    busyMsPerBill: perBill(profile.busyMs),
    byGroup: profile.byGroup.map((g) => ({ ...g, msPerBill: perBill(g.ms) })),
    topFunctions: profile.topFunctions.map((g) => ({ ...g, msPerBill: perBill(g.ms) })),
  };
}

export async function ingestPhase(
  stack: BenchStack,
  runId: string,
  plan: IngestPlan,
  log: (msg: string) => void,
): Promise<{ ingest: NonNullable<Figures["ingest"]>; cpu: NonNullable<Figures["cpu"]> }> {
  const small = new Bills(runId, "s", plan.small.sizeBytes);
  log("warm-up: 3 s of 100 KiB bills via HTTP, 2 s direct");
  await ingestLoad({ url: stack.serviceUrl, apiKey: stack.apiKey, bills: small, connections: 32, durationS: 3 });
  await direct(stack, { sizeBytes: plan.small.sizeBytes, connections: 32, durationS: 2, runId, stream: "dw" });
  const says = (name: string, r: Alternated) =>
    log(`  ${name}: HTTP ${r.http.acceptedPerSecond}/s, direct ${r.direct.acceptedPerSecond}/s (means of two halves)`);

  log(
    `ingest 100 KiB at concurrency ${plan.small.connections}: 2 x ${plan.small.durationS / 2} s direct and via HTTP, alternating`,
  );
  const s = await alternate(stack, small, plan.small, runId, "ds");
  says("100 KiB", s);
  log(
    `ingest 5 MiB at concurrency ${plan.large.connections}: 2 x ${plan.large.durationS / 2} s direct and via HTTP, alternating`,
  );
  const large = new Bills(runId, "l", plan.large.sizeBytes);
  await ingestLoad({ url: stack.serviceUrl, apiKey: stack.apiKey, bills: large, connections: 4, amount: 8 });
  const l = await alternate(stack, large, plan.large, runId, "dl");
  says("5 MiB", l);

  log("CPU profile of the service over 5 s of 100 KiB bills (not part of the figures above)");
  const profile = await profileRun(stack, small);
  log("CPU floor: JSON parse + base64 decode + SHA-256 of the same 100 KiB bodies");
  const floorBills = new Bills(runId, "f", plan.small.sizeBytes);
  const floorMs = floorMsPerBill(Array.from({ length: 200 }, () => JSON.stringify(floorBills.next())));
  const cpuPerBill = s.serviceCpuMs / Math.max(1, s.http.accepted);
  const ratio = (a: number, b: number): number => round(a / b, 2);
  return {
    ingest: {
      small: {
        ...s.http,
        direct: s.direct,
        serviceOverDirect: ratio(s.http.acceptedPerSecond, s.direct.acceptedPerSecond),
      },
      large: {
        ...l.http,
        direct: l.direct,
        serviceOverDirect: ratio(l.http.acceptedPerSecond, l.direct.acceptedPerSecond),
      },
    },
    cpu: {
      serviceMsPerBill: round(cpuPerBill, 3),
      floorMsPerBill: floorMs,
      overFloor: ratio(cpuPerBill, floorMs),
      directProcessMsPerBill: s.direct.cpuMsPerBill,
      profile,
    },
  };
}
