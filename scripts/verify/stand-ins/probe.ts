/**
 * How fast is a stand-in? Puts 100 KiB objects and sends bill-sized messages at a fixed concurrency
 * through the AWS SDK (the same clients the service builds) and prints, per operation, calls/s, the
 * client's CPU per call and, when the stand-in's pid is given, the stand-in's CPU per call (from
 * /proc). Used to pick the performance stand-ins (README: "Stand-ins for performance runs").
 *   node scripts/verify/stand-ins/probe.ts --s3 http://127.0.0.1:55000 --sqs http://127.0.0.1:55000 \
 *     [--s3-pid N] [--sqs-pid N] [--calls 400] [--connections 16]
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { round } from "../bench/stats.ts";
import { procCpuMs } from "./perf-stand-ins.ts";

const { values } = parseArgs({
  options: {
    s3: { type: "string" },
    sqs: { type: "string" },
    "s3-pid": { type: "string" },
    "sqs-pid": { type: "string" },
    calls: { type: "string", default: "400" },
    connections: { type: "string", default: "16" },
  },
});
const calls = Number(values.calls);
const connections = Number(values.connections);

interface OpResult {
  readonly perSecond: number;
  readonly clientCpuMsPerCall: number;
  readonly standInCpuMsPerCall: number | null;
}

async function timed(pid: number | undefined, op: (i: number) => Promise<unknown>): Promise<OpResult> {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const standIn0 = pid ? procCpuMs(pid) : 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < calls) await op(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    perSecond: round(calls / seconds),
    clientCpuMsPerCall: round((cpu.user + cpu.system) / 1000 / calls, 3),
    standInCpuMsPerCall: pid ? round((procCpuMs(pid) - standIn0) / calls, 3) : null,
  };
}

const id = `probe-${randomBytes(4).toString("hex")}`;
const out: Record<string, OpResult> = {};
if (values.s3) {
  const s3 = new S3Client({ region: "us-east-1", endpoint: values.s3, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: id }));
  const body = randomBytes(100 * 1024);
  const put = (i: number) => s3.send(new PutObjectCommand({ Bucket: id, Key: `k${i}`, Body: body }));
  await timed(undefined, put); // warm-up: JIT on both sides, connection pools
  out.s3PutObject100KiB = await timed(Number(values["s3-pid"]) || undefined, (i) => put(i + calls));
  s3.destroy();
}
if (values.sqs) {
  const sqs = new SQSClient({ region: "us-east-1", endpoint: values.sqs });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: id }));
  const body = JSON.stringify({ version: 1, transactionId: randomBytes(16).toString("hex"), key: "x".repeat(120) });
  const send = () => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
  await timed(undefined, send);
  out.sqsSendMessage = await timed(Number(values["sqs-pid"]) || undefined, send);
  await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  sqs.destroy();
}
console.log(JSON.stringify({ calls, connections, s3: values.s3, sqs: values.sqs, ...out }, null, 2));
