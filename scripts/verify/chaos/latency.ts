/**
 * The service's answer times as the sender saw them, and their p99 while a hang fault held Redis
 * (the promise: under 2 s, because Redis commands time out and the rate limit steps aside).
 */
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
