/**
 * Preloaded into the ingest service by the benchmark (node --expose-gc --import this file). Answers
 * the parent's IPC messages: "cpu" with the process's CPU time, "gc" with its memory after two full
 * garbage collections, and {profile: "start" | "stop", file} to record a CPU profile of a stretch
 * of the run with the inspector (written as a .cpuprofile), and {stubIngest: true | false} to
 * answer every bill without S3, PostgreSQL or SQS (cuts/http-layer.ts: what HTTP, Fastify and the
 * service's plugins cost per request on their own). The service code is unchanged.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

export interface ProbeReply {
  /** process.cpuUsage(): user and system CPU time of the whole process, µs. */
  readonly cpu: { readonly user: number; readonly system: number };
  readonly memory: NodeJS.MemoryUsage;
}

export type ProbeMessage =
  | "cpu"
  | "gc"
  | { readonly profile: "start" }
  | { readonly profile: "stop"; readonly file: string }
  | { readonly stubIngest: boolean };

const gc = (globalThis as { gc?: () => void }).gc;
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
  const reply: ProbeReply = { cpu: process.cpuUsage(), memory: process.memoryUsage() };
  process.send?.(reply);
}

process.on("message", (message: ProbeMessage) => {
  void answer(message);
});
// The IPC channel must not keep the service alive once it has closed on SIGTERM.
process.channel?.unref();
