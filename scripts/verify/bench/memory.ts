/**
 * Memory across a long ingest run: `chunks` chunks, each `newPerChunk` new bills (the full path:
 * S3, row, SQS) then `retriesPerChunk` NetSuite retries of bills already accepted (HTTP,
 * auth, JSON, base64, SHA-256, one lookup, 200), and after every chunk the service's RSS and heap
 * after two full GCs (through the IPC probe). The first chunk is the warm-up; growth is measured
 * from there to the end. Retries keep 50,000 requests inside the time budget: new bills are bound
 * by moto (about 60/s here), retries are not.
 */
import { type Bills, Retries } from "./bodies.ts";
import { ingestLoad } from "./ingest-load.ts";
import type { BenchStack } from "./stack.ts";
import { round } from "./stats.ts";

export interface MemorySample {
  readonly requests: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
}

export interface MemoryResult {
  readonly requests: number;
  readonly accepted: number;
  readonly retried: number;
  readonly samples: readonly MemorySample[];
  readonly heapGrowthAfterWarmupPct: number;
  readonly rssGrowthAfterWarmupPct: number;
  readonly seconds: number;
}

const mib = (b: number): number => round(b / 1_048_576, 1);

export async function memoryRun(
  stack: BenchStack,
  bills: Bills,
  o: {
    readonly chunks: number;
    readonly newPerChunk: number;
    readonly retriesPerChunk: number;
    readonly retryPool: number;
    readonly connections: number;
  },
): Promise<MemoryResult> {
  const samples: MemorySample[] = [];
  const first = await stack.probeService(true);
  samples.push({ requests: 0, rssMiB: mib(first.memory.rss), heapUsedMiB: mib(first.memory.heapUsed) });
  let requests = 0;
  let accepted = 0;
  let retried = 0;
  let seconds = 0;
  const retries = new Retries(bills, o.retryPool);
  const common = { url: stack.serviceUrl, apiKey: stack.apiKey, connections: o.connections };
  // The retried bills must be accepted once first.
  const seeded = await ingestLoad({ ...common, bills: { nextBody: () => retries.nextBody() }, amount: o.retryPool });
  accepted += seeded.accepted;
  for (let c = 0; c < o.chunks; c += 1) {
    for (const r of [
      await ingestLoad({ ...common, bills, amount: o.newPerChunk }),
      await ingestLoad({ ...common, bills: retries, amount: o.retriesPerChunk }),
    ]) {
      requests += r.requests;
      accepted += r.accepted;
      retried += r.retried;
      seconds += r.seconds;
    }
    const p = await stack.probeService(true);
    samples.push({ requests, rssMiB: mib(p.memory.rss), heapUsedMiB: mib(p.memory.heapUsed) });
    process.stderr.write(
      `  memory: ${requests} requests, heap ${mib(p.memory.heapUsed)} MiB, rss ${mib(p.memory.rss)} MiB\n`,
    );
  }
  const warm = samples[1]!;
  const last = samples.at(-1)!;
  return {
    requests,
    accepted,
    retried,
    samples,
    heapGrowthAfterWarmupPct: round(((last.heapUsedMiB - warm.heapUsedMiB) / warm.heapUsedMiB) * 100, 1),
    rssGrowthAfterWarmupPct: round(((last.rssMiB - warm.rssMiB) / warm.rssMiB) * 100, 1),
    seconds: round(seconds, 1),
  };
}
