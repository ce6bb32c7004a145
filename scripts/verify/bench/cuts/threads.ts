/**
 * Where the service process's CPU goes by thread (main thread, libuv pool, V8 GC helpers...), from
 * /proc/<pid>/task/<tid>/stat over a 100 KiB load at c=32: CPU off the main thread does not appear
 * in the V8 CPU profile. Linux only.
 *   node scripts/verify/bench/cuts/threads.ts [--seconds 10]
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { newRunId } from "../../../../loadtest/shared/payload.ts";
import { startPerfStandIns } from "../../stand-ins/perf-stand-ins.ts";
import { Bills } from "../bodies.ts";
import { ingestLoad } from "../ingest-load.ts";
import { BenchStack, freePort, ROOT } from "../stack.ts";
import { round } from "../stats.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" } } });
const TICK_MS = 10; // USER_HZ = 100
function threads(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/[0-9]+$/, "#");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(f[11]) + Number(f[12])) * TICK_MS;
      out.set(name, (out.get(name) ?? 0) + ms);
    } catch {
      // A thread that ended.
    }
  }
  return out;
}
const logDir = join(ROOT, "bench-results", "logs");
mkdirSync(logDir, { recursive: true });
const standIns = await startPerfStandIns(ROOT, logDir, { s3: await freePort(), sqs: await freePort() }, "gofakes3");
process.env.AWS_ENDPOINT_URL_S3 = standIns.s3Url;
process.env.AWS_ENDPOINT_URL_SQS = standIns.sqsUrl;
const stack = await BenchStack.create(
  {
    AWS_ENDPOINT_URL_S3: standIns.s3Url,
    AWS_ENDPOINT_URL_SQS: standIns.sqsUrl,
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
  },
  { bucketEncryption: standIns.bucketEncryption },
);
try {
  await stack.startService();
  const pid = stack.pidOf("service");
  const bills = new Bills(newRunId(), "th", 100 * 1024);
  await ingestLoad({ url: stack.serviceUrl, apiKey: stack.apiKey, bills, connections: 32, durationS: 5 });
  const gcBefore = (await stack.probe("service")).gc;
  const before = threads(pid);
  const r = await ingestLoad({
    url: stack.serviceUrl,
    apiKey: stack.apiKey,
    bills,
    connections: 32,
    durationS: Number(values.seconds),
  });
  const after = threads(pid);
  const gcAfter = (await stack.probe("service")).gc;
  // Per 1,000 bills: how often each kind of GC ran and its main-thread pause.
  const gcPer1000 = Object.fromEntries(
    Object.entries(gcAfter).map(([kind, { count, ms }]) => {
      const b = gcBefore[kind] ?? { count: 0, ms: 0 };
      const per = 1000 / Math.max(1, r.accepted);
      return [kind, { count: round((count - b.count) * per, 1), ms: round((ms - b.ms) * per, 1) }];
    }),
  );
  const perBill = [...after].map(
    ([name, ms]) => [name, round((ms - (before.get(name) ?? 0)) / Math.max(1, r.accepted), 3)] as const,
  );
  console.log(
    JSON.stringify(
      {
        accepted: r.accepted,
        perSecond: r.acceptedPerSecond,
        cpuMsPerBillByThread: Object.fromEntries(perBill.sort((a, b) => b[1] - a[1])),
        gcPer1000Bills: gcPer1000,
      },
      null,
      2,
    ),
  );
} finally {
  await stack.stop();
  await standIns.stop();
}
