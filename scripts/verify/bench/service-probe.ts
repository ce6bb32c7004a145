/**
 * Preloaded into the ingest service by the benchmark (node --expose-gc --import this file). Answers
 * the parent's IPC messages: "cpu" with the process's CPU time, "gc" with its memory after two full
 * garbage collections, and {profile: "start" | "stop", file} to record a CPU profile of a stretch
 * of the run with the inspector (written as a .cpuprofile), and {stubIngest: true | false} to
 * answer every bill without S3, PostgreSQL or SQS (cuts/http-layer.ts: what HTTP, Fastify and the
 * service's plugins cost per request on their own). The service code is unchanged. Every reply also
 * carries the garbage collections so far by kind (count and main-thread ms, from perf_hooks).
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { constants, PerformanceObserver } from "node:perf_hooks";

export interface ProbeReply {
  /** process.cpuUsage(): user and system CPU time of the whole process, µs. */
  readonly cpu: { readonly user: number; readonly system: number };
  readonly memory: NodeJS.MemoryUsage;
  /** Garbage collections since start, by kind (minor = scavenge, major = mark-compact): count and main-thread ms. */
  readonly gc: Readonly<Record<string, { readonly count: number; readonly ms: number }>>;
}

export type ProbeMessage =
  | "cpu"
  | "gc"
  | { readonly profile: "start" }
  | { readonly profile: "stop"; readonly file: string }
  | { readonly stubIngest: boolean };

const gc = (globalThis as { gc?: () => void }).gc;
const GC_KIND: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};
const gcs: Record<string, { count: number; ms: number }> = {};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = GC_KIND[(e as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? "other";
    gcs[kind] ??= { count: 0, ms: 0 };
    const k = gcs[kind];
    k.count++;
    k.ms += e.duration;
  }
}).observe({ entryTypes: ["gc"] });
let session: Session | undefined;
let realAccept: ((...args: never[]) => unknown) | undefined;

/** Swaps IngestService.prototype.accept for an answer that touches no backend (and back). */
async function stubIngest(on: boolean): Promise<void> {
  // The same module instance the service loaded (same file URL).
  const { IngestService } = await import("../../../service/src/ingest/ingest-service.ts");
  const proto = IngestService.prototype as unknown as { accept: (...args: never[]) => unknown };
  realAccept ??= proto.accept;
  proto.accept = on
    ? async (input: { netsuiteBillId: string | null }) => ({
        row: { id: randomUUID(), status: "pending", netsuite_bill_id: input.netsuiteBillId, file_size: 0 },
        created: true,
      })
    : realAccept;
}

async function answer(message: ProbeMessage): Promise<void> {
  if (message === "gc") {
    gc?.();
    gc?.();
  } else if (typeof message === "object" && "stubIngest" in message) {
    await stubIngest(message.stubIngest);
  } else if (typeof message === "object" && message.profile === "start") {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 1000 });
    await session.post("Profiler.start");
  } else if (typeof message === "object" && message.profile === "stop" && session) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(message.file, JSON.stringify(profile));
    session.disconnect();
    session = undefined;
  }
  const reply: ProbeReply = { cpu: process.cpuUsage(), memory: process.memoryUsage(), gc: structuredClone(gcs) };
  process.send?.(reply);
}

process.on("message", (message: ProbeMessage) => {
  void answer(message);
});
// The IPC channel must not keep the service alive once it has closed on SIGTERM.
process.channel?.unref();
