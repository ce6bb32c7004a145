/**
 * Preloaded into the ingest service by the benchmark (node --expose-gc --import this file). Answers
 * the parent's IPC messages: "cpu" with the process's CPU time, "gc" with its memory after two full
 * garbage collections, and {profile: "start" | "stop", file} to record a CPU profile of a stretch
 * of the run with the inspector (written as a .cpuprofile). The service code is unchanged.
 */
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
  | { readonly profile: "stop"; readonly file: string };

const gc = (globalThis as { gc?: () => void }).gc;
let session: Session | undefined;

async function answer(message: ProbeMessage): Promise<void> {
  if (message === "gc") {
    gc?.();
    gc?.();
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
