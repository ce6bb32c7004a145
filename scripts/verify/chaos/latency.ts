/**
 * Answer times while a hang fault held Redis (the promise: the service's p99 under 2 s, because
 * Redis commands time out and the rate limit steps aside). Two views: the service's own
 * (`responseTime` of its request log, what the ALB's target response time measures; the verdict)
 * and the sender's (includes the sender's own queueing on a loaded machine; shown only).
 */
import { readFileSync } from "node:fs";
import type { HangWindow } from "./scheduler.ts";

export interface RequestSample {
  /** Epoch ms the POST started. */
  readonly startedAt: number;
  readonly ms: number;
  /** HTTP status, or null for a network error or a timeout. */
  readonly status: number | null;
}

/** The service's p99 while Redis hangs must stay under this. */
export const REDIS_HANG_P99_LIMIT_MS = 2_000;

/** Nearest-rank percentile (0 < q <= 1); null for no values. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}

export interface WindowLatency {
  readonly requests: number;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

/**
 * Requests that started inside a window of the kind, leaving out those whose lifetime touched a
 * window of another kind (faults overlap: a request held by a PostgreSQL hang says nothing about
 * how the service copes with a hung Redis).
 */
export function latencyDuring(
  samples: readonly RequestSample[],
  windows: readonly HangWindow[],
  kind: HangWindow["kind"],
): WindowLatency {
  const ours = windows.filter((w) => w.kind === kind);
  const others = windows.filter((w) => w.kind !== kind);
  const ms = samples
    .filter((s) => ours.some((w) => s.startedAt >= w.from && s.startedAt < w.to))
    .filter((s) => !others.some((w) => s.startedAt < w.to && s.startedAt + s.ms > w.from))
    .map((s) => s.ms);
  return { requests: ms.length, p99Ms: percentile(ms, 0.99), maxMs: ms.length ? Math.max(...ms) : null };
}

/** Requests that met no window at all: the machine's own baseline, to read the figures above against. */
export function latencyOutside(samples: readonly RequestSample[], windows: readonly HangWindow[]): WindowLatency {
  const ms = samples
    .filter((s) => !windows.some((w) => s.startedAt < w.to && s.startedAt + s.ms > w.from))
    .map((s) => s.ms);
  return { requests: ms.length, p99Ms: percentile(ms, 0.99), maxMs: ms.length ? Math.max(...ms) : null };
}

/** Requests from the service's pino log ("request completed" lines with responseTime). */
export function serviceSamples(logPath: string): RequestSample[] {
  const out: RequestSample[] = [];
  for (const line of readFileSync(logPath, "utf8").split("\n")) {
    if (!line.includes('"request completed"')) continue;
    try {
      const j = JSON.parse(line) as { time: string; responseTime?: number; res?: { statusCode?: number } };
      if (typeof j.responseTime !== "number") continue;
      const ms = Math.round(j.responseTime);
      out.push({ startedAt: Date.parse(j.time) - ms, ms, status: j.res?.statusCode ?? null });
    } catch {
      // a line cut by a SIGKILL: skip it
    }
  }
  return out;
}
