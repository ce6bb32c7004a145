/**
 * Ingest throughput and latency on the local stack: starts `node service/src/server.ts` against an
 * isolated database, Redis prefix, bucket and queue (the test harness's, so the demo stack's queue
 * and worker are left alone), drives POST /api/v1/bills with autocannon (a fresh netsuiteBillId per
 * request, one 100 KiB PDF), and reports requests/s, p50/p99 latency, and the server's CPU time
 * per accepted bill next to the floor (JSON.parse + base64 decode + SHA-256 of the same body).
 *
 *   source .local/env.sh && node scripts/verify/bench/ingest-autocannon.ts [--connections 32] [--duration 20] [--kib 100]
 *   (BENCH_CPU_PROF=<dir> also writes a V8 CPU profile of the server)
 *
 * Needs the local stand-ins and the migrated bills_template database (`npm test` prepares it).
 * moto is the bottleneck here (it is single-threaded and at 100% CPU; see
 * shared/reference/local-aws.md), so read requests/s as a floor and CPU per bill as the service's cost.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { setupTestEnv } from "../../../lib/testing/harness.ts";

// autocannon ships no types; the part used here.
interface Req {
  body?: string;
  [k: string]: unknown;
}
interface Options {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  method: string;
  headers: Record<string, string>;
  requests: { setupRequest: (req: Req) => Req }[];
}
interface Result {
  requests: { average: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  "2xx": number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (o: Options) => Promise<Result>;

const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "32" },
    duration: { type: "string", default: "20" },
    kib: { type: "string", default: "100" },
  },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const size = Number(values.kib) * 1024;

const teardowns: (() => unknown)[] = [];
const env = await setupTestEnv({ teardown: (fn) => teardowns.push(fn) });
const apiKey = randomBytes(24).toString("base64url");
const apiKeys = JSON.stringify([{ name: "bench", sha256: createHash("sha256").update(apiKey).digest("hex") }]);

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});
const nodeArgs = process.env.BENCH_CPU_PROF ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const child = spawn(process.execPath, [...nodeArgs, "service/src/server.ts"], {
  env: {
    ...env.env,
    API_KEYS: apiKeys,
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: "warn",
    RATE_LIMIT_PER_MINUTE: "10000000",
    DATABASE_POOL_SIZE: "20",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 100; i++) {
  const ok = await fetch(`${base}/health/ready`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) break;
  await new Promise((r) => setTimeout(r, 200));
}

const pdf = randomBytes(size);
pdf.write("%PDF-1.7\n", 0, "latin1");
const b64 = pdf.toString("base64");
const run = randomBytes(3).toString("hex");
let seq = 0;
const bodyFor = (id: string) =>
  `{"netsuiteBillId":"${id}","fileName":"INV-${id}.pdf","mimeType":"application/pdf","referenceNumber":"${id}","base64Data":"${b64}"}`;

/** utime + stime of the server process, in ms (from /proc; clock ticks are 100 Hz on Linux). */
const cpuMs = () => {
  const f = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(f[11]) + Number(f[12])) * 10;
};

// Warm-up (JIT, connection pools), not measured.
await autocannon({
  url: `${base}/api/v1/bills`,
  connections: 4,
  amount: 100,
  method: "POST",
  headers: { "content-type": "application/json", "x-api-key": apiKey },
  requests: [{ setupRequest: (req) => ({ ...req, body: bodyFor(`w${run}-${seq++}`) }) }],
});

const cpu0 = cpuMs();
const result = await autocannon({
  url: `${base}/api/v1/bills`,
  connections,
  duration,
  method: "POST",
  headers: { "content-type": "application/json", "x-api-key": apiKey },
  requests: [{ setupRequest: (req) => ({ ...req, body: bodyFor(`b${run}-${seq++}`) }) }],
});
const cpu1 = cpuMs();

// The floor: the work no implementation can skip, on the same body.
const sample = bodyFor("floor-1");
const floorRuns = 200;
const f0 = performance.now();
for (let i = 0; i < floorRuns; i++) {
  const parsed = JSON.parse(sample) as { base64Data: string };
  createHash("sha256").update(Buffer.from(parsed.base64Data, "base64")).digest("hex");
}
const floorMs = (performance.now() - f0) / floorRuns;

const accepted = result["2xx"];
const cpuPerBill = (cpu1 - cpu0) / Math.max(accepted, 1);
const report = {
  command: `node scripts/verify/bench/ingest-autocannon.ts --connections ${connections} --duration ${duration} --kib ${values.kib}`,
  bodyBytes: sample.length,
  requestsPerSecond: result.requests.average,
  latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  accepted,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  serverCpuMsPerBill: Math.round(cpuPerBill * 100) / 100,
  floorCpuMsPerBill: Math.round(floorMs * 100) / 100,
  ratioToFloor: Math.round((cpuPerBill / floorMs) * 100) / 100,
};
console.log(JSON.stringify(report, null, 2));

child.kill("SIGTERM");
await once(child, "exit");
for (const fn of teardowns.reverse()) await fn();
