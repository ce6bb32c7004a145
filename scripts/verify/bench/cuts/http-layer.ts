/**
 * What the ingest service costs per 100 KiB bill with and without its backend: the real service
 * (LOG_LEVEL info, as the bench runs it) at concurrency 32, alternating between its real ingest
 * (S3 put, row, SQS batch) and the probe's stub (service-probe.ts {stubIngest}: the same HTTP,
 * Fastify, plugins, body parse, schema, logging and reply, no S3, PostgreSQL or SQS). Server CPU
 * per request from the probe; the difference is what the backend calls cost. Performance
 * stand-ins, started and stopped here.
 *   node scripts/verify/bench/cuts/http-layer.ts [--seconds 5] [--rounds 2]
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { newRunId } from "../../../../loadtest/shared/payload.ts";
import { startPerfStandIns } from "../../stand-ins/perf-stand-ins.ts";
import { Bills } from "../bodies.ts";
import { ingestLoad } from "../ingest-load.ts";
import { BenchStack, freePort, ROOT } from "../stack.ts";
import { round } from "../stats.ts";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "5" }, rounds: { type: "string", default: "2" } },
});
const seconds = Number(values.seconds);
const logDir = join(ROOT, "bench-results", "logs");
mkdirSync(logDir, { recursive: true });
const standIns = await startPerfStandIns(ROOT, logDir, { s3: await freePort(), sqs: await freePort() }, "gofakes3");
process.env.AWS_ENDPOINT_URL_S3 = standIns.s3Url;
process.env.AWS_ENDPOINT_URL_SQS = standIns.sqsUrl;
process.env.AWS_ACCESS_KEY_ID ??= "test";
process.env.AWS_SECRET_ACCESS_KEY ??= "test";
const stack = await BenchStack.create(
  { AWS_ENDPOINT_URL_S3: standIns.s3Url, AWS_ENDPOINT_URL_SQS: standIns.sqsUrl },
  { bucketEncryption: standIns.bucketEncryption },
);
const totals = {
  stub: { ms: 0, sys: 0, n: 0, perSecond: [] as number[] },
  real: { ms: 0, sys: 0, n: 0, perSecond: [] as number[] },
};
try {
  await stack.startService();
  const bills = new Bills(newRunId(), "hl", 100 * 1024);
  const run = async (mode: "stub" | "real", durationS: number) => {
    await stack.profileService({ stubIngest: mode === "stub" });
    const before = (await stack.probeService(false)).cpu;
    const r = await ingestLoad({ url: stack.serviceUrl, apiKey: stack.apiKey, bills, connections: 32, durationS });
    const after = (await stack.probeService(false)).cpu;
    return {
      r,
      ms: (after.user + after.system - before.user - before.system) / 1000,
      sys: (after.system - before.system) / 1000,
    };
  };
  await run("real", 3); // warm-up, both paths
  await run("stub", 3);
  for (let i = 0; i < Number(values.rounds); i++) {
    for (const mode of i % 2 === 0 ? (["stub", "real"] as const) : (["real", "stub"] as const)) {
      const { r, ms, sys } = await run(mode, seconds);
      totals[mode].ms += ms;
      totals[mode].sys += sys;
      totals[mode].n += r.accepted;
      totals[mode].perSecond.push(r.acceptedPerSecond);
    }
  }
  // A CPU profile of each mode (written next to the bench's others): where the per-request time goes.
  for (const mode of ["stub", "real"] as const) {
    await stack.profileService({ stubIngest: mode === "stub" });
    await stack.profileService({ profile: "start" });
    await ingestLoad({ url: stack.serviceUrl, apiKey: stack.apiKey, bills, connections: 32, durationS: seconds });
    await stack.profileService({ profile: "stop", file: join(ROOT, "bench-results", `http-layer-${mode}.cpuprofile`) });
  }
} finally {
  await stack.stop();
  await standIns.stop();
}
const per = (m: keyof typeof totals) => ({
  cpuMsPerBill: round(totals[m].ms / Math.max(1, totals[m].n), 3),
  systemMsPerBill: round(totals[m].sys / Math.max(1, totals[m].n), 3),
  billsPerSecond: totals[m].perSecond,
});
const stub = per("stub");
const real = per("real");
console.log(
  JSON.stringify(
    {
      bodyBytes: 100 * 1024,
      connections: 32,
      seconds,
      stub,
      real,
      backendMsPerBill: round(real.cpuMsPerBill - stub.cpuMsPerBill, 3),
    },
    null,
    2,
  ),
);
