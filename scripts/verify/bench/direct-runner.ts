/**
 * Child process of the benchmark: the ingest's backend operations without HTTP, at a fixed
 * concurrency, through the same shared lib the service uses: look the bill id up, put the object
 * (SHA-256 checksum), insert the row, send the message and mark it enqueued (batched, as the service does). What the service adds on
 * top (HTTP, JSON, base64, auth, validation, logging) is the difference. Configuration comes from
 * lib/config.ts like any entry point; the run's shape is one JSON argument. Prints one JSON line.
 *   node scripts/verify/bench/direct-runner.ts '{"sizeBytes":102400,"connections":32,"durationS":10,"runId":"x","stream":"d"}'
 */
import { createHash } from "node:crypto";
import { createAwsClients, destroyAwsClients } from "../../../lib/aws.ts";
import { BillDetails } from "../../../lib/bill.ts";
import { loadBaseConfig } from "../../../lib/config.ts";
import { createDb } from "../../../lib/db.ts";
import { BillMessageBatcher, billMessageFor } from "../../../lib/queue.ts";
import { putPdf } from "../../../lib/storage.ts";
import { findByNetsuiteBillId, insertOrGetTransaction, markEnqueuedMany } from "../../../lib/transactions.ts";
import { billDetails } from "../../../loadtest/shared/payload.ts";
import { Bills } from "./bodies.ts";
import { latencySummary, round } from "./stats.ts";

interface DirectShape {
  readonly sizeBytes: number;
  readonly connections: number;
  readonly durationS: number;
  readonly runId: string;
  readonly stream: string;
}

const shape = JSON.parse(process.argv[2] ?? "{}") as DirectShape;
const config = loadBaseConfig();
const db = await createDb({ ...config, DATABASE_POOL_SIZE: 10 });
const aws = createAwsClients(config);
const bills = new Bills(shape.runId, shape.stream, shape.sizeBytes);
// As the service enqueues: one SendMessageBatch and one UPDATE per 5 ms of bills.
const enqueuer = new BillMessageBatcher({
  sqs: aws.sqs,
  queueUrl: config.QUEUE_URL,
  lingerMs: 5,
  afterSend: (sent) =>
    markEnqueuedMany(
      db,
      sent.map((m) => m.transactionId),
    ),
});

async function acceptOne(): Promise<void> {
  const { netsuiteBillId, bytes } = bills.nextRaw();
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const existing = await findByNetsuiteBillId(db, netsuiteBillId);
  if (existing) throw new Error(`${netsuiteBillId} exists already`);
  const key = `bills/${netsuiteBillId}/${sha256}/${netsuiteBillId}.pdf`;
  await putPdf(aws.s3, { bucket: config.INCOMING_BUCKET, key, body: bytes, sha256, kmsKeyId: undefined });
  const { row } = await insertOrGetTransaction(db, {
    netsuiteBillId,
    fileName: `${netsuiteBillId}.pdf`,
    mimeType: "application/pdf",
    fileSize: bytes.length,
    sha256,
    bucket: config.INCOMING_BUCKET,
    key,
    bill: { details: BillDetails.parse(billDetails(netsuiteBillId)) },
    apiKeyName: "bench-direct",
  });
  await enqueuer.send(billMessageFor(row));
}

const latencies: number[] = [];
let errors = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const deadline = started + shape.durationS * 1000;
await Promise.all(
  Array.from({ length: shape.connections }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await acceptOne();
        latencies.push(performance.now() - t0);
      } catch {
        errors += 1;
      }
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
console.log(
  JSON.stringify({
    accepted: latencies.length,
    errors,
    seconds: round(seconds),
    acceptedPerSecond: round(latencies.length / seconds),
    latencyMs: latencySummary(latencies),
    cpuMsPerBill: round((cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length), 3),
  }),
);
destroyAwsClients(aws);
await db.end();
