/**
 * `npm run chaos` (via chaos.sh): sends bills through a local stack of the run's own while faults
 * fire at random moments, waits for the drain, checks every accepted bill against the Zoho
 * simulator and the database, prints the summary and writes it as JSON. Exits 1 when any bill was
 * duplicated, lost, corrupted or inconsistent, when rows never settled, or when the run itself
 * failed. Flags: `npm run chaos -- --help`.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CheckResult, checkRun, waitForDrain } from "./checker.ts";
import { firedEvidence, type SimStats } from "./evidence.ts";
import {
  latencyDuring,
  latencyOutside,
  REDIS_HANG_P99_LIMIT_MS,
  type RequestSample,
  serviceSamples,
  type WindowLatency,
} from "./latency.ts";
import { type ChaosOptions, type FaultKind, optionsFromCli } from "./options.ts";
import { type FaultEvent, FaultScheduler } from "./scheduler.ts";
import { sendBills } from "./sender.ts";
import { type Stack, startStack } from "./stack.ts";
import type { UnexpectedExit } from "./supervisor.ts";

const ROOT = resolve(import.meta.dirname, "../../..");

/** The checker's verdict (CheckResult) plus what the run itself knows: options, timings, faults, processes. */
export interface ChaosSummary extends CheckResult {
  readonly runId: string;
  readonly ok: boolean;
  readonly options: ChaosOptions;
  readonly sent: number;
  readonly notAccepted: { readonly rejected: number; readonly gaveUp: number; readonly examples: readonly string[] };
  /** From the last accepted bill to every accepted bill settled; null if the drain timed out. */
  readonly timeToDrainMs: number | null;
  readonly sendPhaseMs: number;
  readonly totalMs: number;
  /** Per fault kind: how often the scheduler applied it, and evidence it took effect. */
  readonly faults: Record<FaultKind, { readonly applied: number; readonly fired: number }>;
  readonly faultEvents: readonly FaultEvent[];
  /** The service's answer times (its request log) for requests that started while Redis hung: p99 < 2 s. */
  readonly duringRedisHang: WindowLatency;
  /** The same requests as the sender timed them (its own queueing included). */
  readonly duringRedisHangClient: WindowLatency;
  readonly duringPostgresHang: WindowLatency;
  /** Requests that met no Redis or PostgreSQL fault: the baseline on this machine. */
  readonly withoutDependencyFault: WindowLatency;
  readonly sim: {
    readonly injected: Record<string, number>;
    readonly tokens: Record<string, unknown>;
    readonly byStatus: Record<string, number>;
  };
  readonly processes: {
    readonly workerStarts: number;
    readonly workerKills: number;
    readonly unexpectedExits: readonly UnexpectedExit[];
  };
  readonly logs: string;
  readonly summaryPath: string;
}

/** The send phase with faults firing, then the fault schedule finished and quiesced. */
async function sendUnderFaults(o: ChaosOptions, stack: Stack, runId: string, say: (s: string) => void) {
  const scheduler = new FaultScheduler(stack, o, say);
  let sending = true;
  const faults = scheduler.run(() => !sending);
  const sendStart = Date.now();
  const samples: RequestSample[] = [];
  const sent = await sendBills(o, stack.serviceUrl, stack.apiKey, runId, say, samples).finally(() => {
    sending = false;
  });
  const sendPhaseMs = Date.now() - sendStart;
  const accepted = sent.filter((b) => b.outcome === "accepted");
  say(
    `send phase over in ${sendPhaseMs} ms: ${accepted.length}/${sent.length} accepted; waiting for the fault schedule to finish`,
  );
  await faults;
  await scheduler.quiesce();
  const lastAccepted = Math.max(...accepted.map((b) => b.acceptedAt ?? 0), sendStart);
  return { scheduler, samples, sent, accepted, sendPhaseMs, lastAccepted };
}
type SendPhase = Awaited<ReturnType<typeof sendUnderFaults>>;

/** Per fault kind: how often it was applied, and how often the stack shows it took effect. */
async function countFaults(o: ChaosOptions, stack: Stack, scheduler: FaultScheduler, stats: SimStats) {
  const counters = {
    kills: workerKills(stack),
    redisRestarts: stack.redis.restarts,
    pgRestarts: stack.postgres.restarts,
    redisHangs: stack.redisProxy.hangs,
    pgHangs: stack.postgresProxy.hangs,
    rotationsLoggedInAfter: (await stack.postgres.appLoggedInSinceRotation()) ? stack.postgres.rotations : 0,
  };
  const faultCounts = {} as Record<FaultKind, { applied: number; fired: number }>;
  for (const kind of o.faults) {
    const applied = scheduler.events.filter((e) => e.kind === kind && !e.error).length;
    faultCounts[kind] = { applied, fired: firedEvidence(kind, applied, stats, counters) };
  }
  return faultCounts;
}

const workerKills = (stack: Stack) => stack.workers.reduce((n, w) => n + w.kills, 0);

/** Answer times inside and outside the Redis and PostgreSQL hang windows. */
function latencies(runDir: string, samples: readonly RequestSample[], scheduler: FaultScheduler) {
  const served = serviceSamples(join(runDir, "service.log"));
  return {
    duringRedisHang: latencyDuring(served, scheduler.hangWindows, "hang-redis"),
    duringRedisHangClient: latencyDuring(samples, scheduler.hangWindows, "hang-redis"),
    duringPostgresHang: latencyDuring(served, scheduler.hangWindows, "hang-postgres"),
    withoutDependencyFault: latencyOutside(served, scheduler.hangWindows),
  };
}

function notAcceptedSummary(sent: SendPhase["sent"]): ChaosSummary["notAccepted"] {
  const notAccepted = sent.filter((b) => b.outcome !== "accepted");
  return {
    rejected: notAccepted.filter((b) => b.outcome === "rejected").length,
    gaveUp: notAccepted.filter((b) => b.outcome === "gave-up").length,
    examples: notAccepted.slice(0, 5).map((b) => `${b.netsuiteBillId}: ${b.lastError}`),
  };
}

function summaryPathFor(o: ChaosOptions, runId: string): string {
  const outPath = resolve(ROOT, o.out);
  return isDir(outPath) || !outPath.endsWith(".json") ? join(outPath, `chaos-${runId}.json`) : outPath;
}

/** Checks the drained run and assembles its summary: the checker's verdict plus what the run knows. */
async function summarise(
  o: ChaosOptions,
  stack: Stack,
  run: { readonly runId: string; readonly runDir: string; readonly t0: number },
  phase: SendPhase,
  drainedAt: number | null,
): Promise<ChaosSummary> {
  const { runId, runDir } = run;
  const check = await checkRun({
    sent: phase.sent,
    simUrl: stack.simUrl,
    databaseUrl: stack.databaseUrl,
    sqs: stack.sqs,
    queueUrl: stack.queueUrl,
    dlqUrl: stack.dlqUrl,
    runPrefix: `chaos-${runId}-`,
  });
  const stats = (await (await fetch(`${stack.simUrl}/__sim/stats`)).json()) as SimStats;
  const faultCounts = await countFaults(o, stack, phase.scheduler, stats);
  const latency = latencies(runDir, phase.samples, phase.scheduler);
  const unexpectedExits = [stack.sim, stack.service, stack.redis.proc, ...stack.workers].flatMap(
    (p) => p.unexpectedExits,
  );
  // Duplicated and lost are the promise; corrupt, inconsistent (delivered but the row does not
  // know) and a drain that never ends (stuck rows) break it too.
  const ok =
    check.duplicated === 0 &&
    check.lost === 0 &&
    check.corrupt === 0 &&
    check.inconsistent === 0 &&
    drainedAt !== null &&
    (latency.duringRedisHang.p99Ms ?? 0) < REDIS_HANG_P99_LIMIT_MS;
  return {
    runId,
    ok,
    options: o,
    ...check,
    sent: phase.sent.length,
    notAccepted: notAcceptedSummary(phase.sent),
    timeToDrainMs: drainedAt === null ? null : Math.max(0, drainedAt - phase.lastAccepted),
    sendPhaseMs: phase.sendPhaseMs,
    totalMs: Date.now() - run.t0,
    faults: faultCounts,
    faultEvents: phase.scheduler.events,
    ...latency,
    sim: { injected: stats.injected, tokens: stats.tokens, byStatus: stats.byStatus },
    processes: {
      workerStarts: stack.workers.reduce((n, w) => n + w.starts, 0),
      workerKills: workerKills(stack),
      unexpectedExits,
    },
    findings: check.findings.slice(0, 50),
    logs: runDir,
    summaryPath: summaryPathFor(o, runId),
  };
}

export async function runChaos(o: ChaosOptions): Promise<ChaosSummary> {
  const say = o.verbose
    ? (s: string) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${s}\n`)
    : () => {};
  const runId = randomBytes(4)
    .toString("hex")
    .replace(/^[0-9]/, "a");
  const runDir = resolve(ROOT, o.workDir, runId);
  mkdirSync(runDir, { recursive: true });
  const t0 = Date.now();
  say(
    `run ${runId}: ${o.bills} bills at ${o.rate}/s, ${o.workers} workers, a fault every ~${o.faultEveryMs} ms, seed ${o.seed}; logs in ${runDir}`,
  );
  const stack = await startStack(o, ROOT, runDir, runId, say);
  try {
    const phase = await sendUnderFaults(o, stack, runId, say);
    say("faults off; draining");
    const ids = phase.accepted.map((b) => b.netsuiteBillId);
    const drainedAt = await waitForDrain(stack.databaseUrl, ids, o.drainTimeoutMs, say);
    const summary = await summarise(o, stack, { runId, runDir, t0 }, phase, drainedAt);
    mkdirSync(resolve(summary.summaryPath, ".."), { recursive: true });
    writeFileSync(summary.summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    say("stopping the stack");
    await stack.stop();
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function formatSummary(s: ChaosSummary): string {
  const sec = (ms: number | null) => (ms === null ? "did not drain" : `${(ms / 1000).toFixed(1)} s`);
  const ms = (v: number | null) => (v === null ? "-" : `${v} ms`);
  const lines = [
    `chaos run ${s.runId}: ${s.ok ? "PASS" : "FAIL"}`,
    `  sent                     ${s.sent}`,
    `  accepted (202/200)       ${s.accepted}   (not accepted: ${s.notAccepted.rejected} rejected, ${s.notAccepted.gaveUp} gave up)`,
    `  delivered exactly once   ${s.deliveredExactlyOnce}`,
    `  duplicated               ${s.duplicated}`,
    `  lost                     ${s.lost}`,
    `  failed with reason       ${s.failed}`,
    ...Object.entries(s.failedReasons).map(([r, n]) => `      ${n} × ${r}`),
    `  corrupt / inconsistent   ${s.corrupt} / ${s.inconsistent}`,
    `  time to drain            ${sec(s.timeToDrainMs)}   (send phase ${sec(s.sendPhaseMs)}, total ${sec(s.totalMs)})`,
    `  queue left / DLQ         ${s.queue.visible + s.queue.inFlight} / ${s.queue.dlq}`,
    `  S3/SQS stand-ins         ${s.options.standIns === "perf" ? "moto's S3 under gunicorn, ElasticMQ" : "the shared moto"} (--stand-ins=${s.options.standIns})`,
    `  service while Redis hung p99 ${ms(s.duringRedisHang.p99Ms)}, max ${ms(s.duringRedisHang.maxMs)} over ${s.duringRedisHang.requests} requests (limit ${REDIS_HANG_P99_LIMIT_MS} ms; sender saw p99 ${ms(s.duringRedisHangClient.p99Ms)})`,
    `  service while PG hung    p99 ${ms(s.duringPostgresHang.p99Ms)}, max ${ms(s.duringPostgresHang.maxMs)} over ${s.duringPostgresHang.requests} requests`,
    `  service, no Redis/PG fault p99 ${ms(s.withoutDependencyFault.p99Ms)} over ${s.withoutDependencyFault.requests} requests (this machine's baseline)`,
    "  faults (applied / fired):",
    ...Object.entries(s.faults).map(([k, v]) => `      ${k.padEnd(18)} ${v.applied} / ${v.fired}`),
    `  worker kills / starts    ${s.processes.workerKills} / ${s.processes.workerStarts}; crashes ${s.processes.unexpectedExits.filter((e) => e.afterReady).length}, boot failures ${s.processes.unexpectedExits.filter((e) => !e.afterReady).length}`,
    `  summary JSON             ${s.summaryPath}`,
    `  logs                     ${s.logs}`,
  ];
  for (const f of s.findings.slice(0, 10))
    lines.push(`  ! ${f.netsuiteBillId} (${f.transactionId}, ${f.status}): ${f.detail}`);
  return lines.join("\n");
}

if (import.meta.main) {
  let options: ChaosOptions;
  try {
    options = optionsFromCli(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const summary = await runChaos(options).catch((err: unknown) => {
    process.stderr.write(`chaos run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
  process.stdout.write(`${formatSummary(summary)}\n`);
  process.exit(summary.ok ? 0 : 1);
}
