/**
 * Chaos run settings: defaults for the full run (`npm run chaos`), overridable by CLI flags
 * (`--bills=300`) or CHAOS_* environment variables (`CHAOS_BILLS=300`); a flag wins over the env.
 * The tap test builds its compressed profile with `resolveOptions({ ... })` directly.
 */
import { parseArgs } from "node:util";

/** Every fault the scheduler knows; `--faults=kill,redis` narrows a run to some of them. */
export const FAULT_KINDS = [
  "kill-worker",
  "rate429",
  "error5xx",
  "slow",
  "drop-before",
  "drop-after",
  "revoke-token",
  "restart-redis",
  "restart-postgres",
  "hang-redis",
  "hang-postgres",
  "rotate-db-password",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * S3/SQS stand-ins of the run: `perf` (default) starts moto's S3 under gunicorn and ElasticMQ for
 * SQS, fresh for the run; `moto` uses the shared single-threaded moto, whose ~24 ms of CPU per SQS
 * call makes it the slowest part of the stack (its queueing then dominates the latency verdict).
 */
export const STAND_INS = ["perf", "moto"] as const;
export type StandIns = (typeof STAND_INS)[number];

export interface ChaosOptions {
  /** Bills sent through the service. */
  readonly bills: number;
  /** Sender rate in bills per second (the send phase lasts about bills / rate seconds). */
  readonly rate: number;
  /** Requests in flight from the sender at most. */
  readonly concurrency: number;
  /** Worker processes (each one `node consumer/src/worker.ts`). */
  readonly workers: number;
  /** Size of each PDF in bytes (each bill's bytes differ). */
  readonly pdfBytes: number;
  /** Mean gap between two faults, ms (each gap is uniform in [0.5, 1.5] times this). */
  readonly faultEveryMs: number;
  /** Fault kinds in play. */
  readonly faults: readonly FaultKind[];
  /** The scheduler goes on (into the drain if needed) until every kind has fired this many times. */
  readonly minRounds: number;
  /** Longest wait for every accepted bill to settle (success or failed) after the last one was accepted. */
  readonly drainTimeoutMs: number;
  /** Longest a sender keeps retrying one bill (5xx, 429, network) before it gives up on it. */
  readonly sendDeadlineMs: number;
  /** Seed of the fault schedule (same seed, same sequence of faults and gaps). */
  readonly seed: number;
  /** Where the summary JSON goes; a directory gets `chaos-<runId>.json`. */
  readonly out: string;
  /** Directory for child-process logs and the temporary Postgres cluster's log. */
  readonly workDir: string;
  /** Print progress lines to stderr. */
  readonly verbose: boolean;
  /** S3/SQS stand-ins (STAND_INS). */
  readonly standIns: StandIns;
}

export const DEFAULTS: ChaosOptions = {
  bills: 2000,
  rate: 12,
  concurrency: 16,
  workers: 4,
  pdfBytes: 8 * 1024,
  faultEveryMs: 5_000,
  faults: FAULT_KINDS,
  minRounds: 1,
  drainTimeoutMs: 300_000,
  sendDeadlineMs: 180_000,
  seed: Date.now() % 1_000_000,
  out: "bench-results",
  workDir: ".local/chaos",
  verbose: true,
  standIns: "perf",
};

const NUMERIC = [
  "bills",
  "rate",
  "concurrency",
  "workers",
  "pdfBytes",
  "faultEveryMs",
  "minRounds",
  "drainTimeoutMs",
  "sendDeadlineMs",
  "seed",
] as const;

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (s: string) => `CHAOS_${s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

function parseFaults(value: string): FaultKind[] {
  const kinds = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const k of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(k)) {
      throw new Error(`unknown fault "${k}"; known: ${FAULT_KINDS.join(", ")}`);
    }
  }
  return kinds as FaultKind[];
}

/** Fills defaults and checks ranges; throws a message naming each bad setting. */
export function resolveOptions(partial: Partial<ChaosOptions>): ChaosOptions {
  const o = { ...DEFAULTS, ...partial };
  const problems: string[] = [];
  for (const k of NUMERIC) {
    if (!Number.isFinite(o[k]) || o[k] < 0) problems.push(`${k} must be a non-negative number`);
  }
  if (o.bills < 1) problems.push("bills must be at least 1");
  if (o.workers < 1) problems.push("workers must be at least 1");
  if (o.rate <= 0) problems.push("rate must be above 0");
  if (o.concurrency < 1) problems.push("concurrency must be at least 1");
  if (o.pdfBytes < 1024) problems.push("pdfBytes must be at least 1024");
  if (!(STAND_INS as readonly string[]).includes(o.standIns))
    problems.push(`standIns is one of ${STAND_INS.join(", ")}`);
  if (problems.length) throw new Error(`Invalid chaos options:\n  - ${problems.join("\n  - ")}`);
  return o;
}

/** Options from argv flags and CHAOS_* env (flags win). */
export function optionsFromCli(argv: readonly string[], env: Record<string, string | undefined>): ChaosOptions {
  const spec: Record<string, { type: "string" | "boolean" }> = {
    faults: { type: "string" },
    out: { type: "string" },
    "work-dir": { type: "string" },
    "stand-ins": { type: "string" },
    quiet: { type: "boolean" },
    help: { type: "boolean" },
  };
  for (const k of NUMERIC) spec[kebab(k)] = { type: "string" };
  const { values } = parseArgs({ args: [...argv], options: spec, strict: true });
  if (values.help) {
    const lines = [...NUMERIC, "faults", "out", "workDir", "standIns"].map(
      (k) =>
        `  --${kebab(k)}  (${envName(k)}, default ${JSON.stringify((DEFAULTS as unknown as Record<string, unknown>)[k])})`,
    );
    process.stdout.write(`npm run chaos -- [flags]\n${lines.join("\n")}\n  --quiet\n`);
    process.exit(0);
  }
  const partial: Record<string, unknown> = {};
  for (const k of NUMERIC) {
    const raw = (values[kebab(k)] as string | undefined) ?? env[envName(k)];
    if (raw !== undefined && raw !== "") partial[k] = Number(raw);
  }
  const faults = (values.faults as string | undefined) ?? env.CHAOS_FAULTS;
  if (faults) partial.faults = parseFaults(faults);
  const out = (values.out as string | undefined) ?? env.CHAOS_OUT;
  if (out) partial.out = out;
  const workDir = (values["work-dir"] as string | undefined) ?? env.CHAOS_WORK_DIR;
  if (workDir) partial.workDir = workDir;
  const standIns = (values["stand-ins"] as string | undefined) ?? env.CHAOS_STAND_INS;
  if (standIns) partial.standIns = standIns;
  if (values.quiet) partial.verbose = false;
  return resolveOptions(partial as Partial<ChaosOptions>);
}
