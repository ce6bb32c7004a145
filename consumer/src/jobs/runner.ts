/**
 * Runs the worker's scheduled jobs. Each job runs at most once per interval across the whole fleet:
 * the worker that wins a Redis lock (SET NX PX interval) runs it, the others skip that round. If
 * Redis forgets the lock (a restart), two workers may run one round at once; every job here is
 * idempotent and serialized inside PostgreSQL or by a per-day key, so that costs only time.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../../../lib/logger.ts";

export interface Job {
  readonly name: string;
  /** Pause between rounds, and the lifetime of the round's fleet lock. */
  readonly intervalMs: number;
  run(): Promise<void>;
}

export interface RunningJobs {
  /** Runs one round of a job now if this worker wins its lock; true when it ran. */
  runOnce(name: string): Promise<boolean>;
  /** Stops the timers and waits for rounds in progress. */
  stop(): Promise<void>;
}

export function startJobs(jobs: readonly Job[], redis: Redis, log: Logger, firstRunDelayMs = 30_000): RunningJobs {
  const running = new Map<string, Promise<boolean>>();
  const timers: NodeJS.Timeout[] = [];

  async function round(job: Job): Promise<boolean> {
    const won = await redis.set(`job:${job.name}`, String(process.pid), "PX", job.intervalMs, "NX");
    if (won !== "OK") return false;
    const started = Date.now();
    await job.run();
    log.info({ job: job.name, durationMs: Date.now() - started }, "scheduled job ran");
    return true;
  }

  function runOnce(name: string): Promise<boolean> {
    const job = jobs.find((j) => j.name === name);
    if (!job) return Promise.reject(new Error(`no scheduled job named ${name}`));
    const current = running.get(name);
    if (current) return current;
    const p = round(job)
      .catch((err) => {
        log.error({ err, job: name }, "scheduled job failed; the next round retries");
        return false;
      })
      .finally(() => running.delete(name));
    running.set(name, p);
    return p;
  }

  for (const job of jobs) {
    if (job.intervalMs <= 0) continue;
    const first = setTimeout(() => void runOnce(job.name), firstRunDelayMs);
    const every = setInterval(() => void runOnce(job.name), job.intervalMs);
    first.unref();
    every.unref();
    timers.push(first, every);
  }

  return {
    runOnce,
    async stop() {
      for (const t of timers) clearTimeout(t);
      await Promise.allSettled([...running.values()]);
    },
  };
}
