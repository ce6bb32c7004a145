import { parseArgs } from "node:util";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { BillMessageBatcher, billMessageFor, sendBillMessage, sendMessageBatch } from "../../../../lib/queue.ts";
import { putPdf } from "../../../../lib/storage.ts";
import { round } from "../stats.ts";
import { closedLoop } from "./closed-loop.ts";
import { cutBucket, cutStandIns } from "./cut-stand-ins.ts";

const { values } = parseArgs({
  options: { calls: { type: "string", default: "600" }, connections: { type: "string", default: "16" } },
});
const calls = Number(values.calls);
const connections = Number(values.connections);
const standIns = await cutStandIns();
const s3 = new S3Client({ region: "us-east-1", endpoint: standIns.s3Url, forcePathStyle: true });
const sqs = new SQSClient({ region: "us-east-1", endpoint: standIns.sqsUrl });
// The SDK rebuilds a command's middleware stack on every send unless the client caches it per command class.
const s3Cached = new S3Client({
  region: "us-east-1",
  endpoint: standIns.s3Url,
  forcePathStyle: true,
  cacheMiddleware: true,
});
const sqsCached = new SQSClient({ region: "us-east-1", endpoint: standIns.sqsUrl, cacheMiddleware: true });

async function measure(label: string, op: (i: number) => Promise<unknown>, perCall = 1): Promise<object> {
  const { seconds, cpu } = await closedLoop(connections, calls, 50, op);
  return {
    variant: label,
    billsPerSecond: round((calls * perCall) / seconds),
    clientCpuMsPerBill: round((cpu.user + cpu.system) / 1000 / (calls * perCall), 3),
  };
}

const results: object[] = [];
try {
  const { bucket, body, sha256 } = await cutBucket(s3);
  results.push(
    await measure("S3 PutObject, SDK defaults (CRC32 computed by the SDK)", (i) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: `a/${i}`, Body: body, ContentType: "application/pdf" })),
    ),
    await measure("S3 PutObject, SDK defaults, cacheMiddleware: true", (i) =>
      s3Cached.send(
        new PutObjectCommand({ Bucket: bucket, Key: `c/${i}`, Body: body, ContentType: "application/pdf" }),
      ),
    ),
    await measure(
      "S3 PutObject with our SHA-256 as checksum (no payload-hash middleware), cacheMiddleware: true",
      (i) =>
        s3Cached.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `d/${i}`,
            Body: body,
            ContentType: "application/pdf",
            ChecksumAlgorithm: "SHA256",
            ChecksumSHA256: Buffer.from(sha256, "hex").toString("base64"),
          }),
        ),
    ),
    await measure("S3 putPdf (lib/storage.ts: signed PUT through lib/aws.ts sendSigned, our SHA-256, SSE-KMS)", (i) =>
      putPdf(s3, { bucket, key: `b/${i}`, body, sha256, kmsKeyId: undefined }),
    ),
  );
  const { QueueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: bucket }));
  const message = (i: number) =>
    billMessageFor({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      netsuite_bill_id: `NS-${i}`,
      s3_bucket: bucket,
      s3_key: `bills/NS-${i}/${sha256}/NS-${i}.pdf`,
      content_sha256: sha256,
    });
  const batcher = new BillMessageBatcher({ sqs, queueUrl: QueueUrl, lingerMs: 5 });
  const entries = (i: number, n: number) =>
    Array.from({ length: n }, (_, k) => ({
      Id: String(k),
      MessageBody: JSON.stringify(message(i * 10 + k)),
      MessageAttributes: { transactionId: { DataType: "String", StringValue: message(i * 10 + k).transactionId } },
    }));
  results.push(
    await measure("SQS SendMessage, plain body", (i) =>
      sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(message(i)) })),
    ),
    await measure("SQS sendBillMessage (lib/queue.ts: with the transactionId attribute)", (i) =>
      sendBillMessage(sqs, QueueUrl, message(i)),
    ),
    await measure("SQS sendBillMessage, cacheMiddleware: true", (i) =>
      sendBillMessage(sqsCached, QueueUrl, message(i)),
    ),
    await measure(`SQS BillMessageBatcher (SendMessageBatch, linger 5 ms, ${connections} senders)`, (i) =>
      batcher.send(message(i)),
    ),
    // One call of 2 entries (what an even ~130 bills/s with a 5 ms linger gathers), per bill.
    await measure(
      "SQS SendMessageBatch of 2 through send()",
      (i) => sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries(i, 2) })),
      2,
    ),
    await measure(
      "SQS sendMessageBatch of 2 (lib/queue.ts: through lib/aws.ts sendSigned)",
      (i) => sendMessageBatch(sqs, QueueUrl, entries(i, 2)),
      2,
    ),
  );
} finally {
  for (const c of [s3, sqs, s3Cached, sqsCached]) c.destroy();
  await standIns.stop();
}
console.log(JSON.stringify({ calls, connections, results }, null, 2));
