/**
 * The comparator: the seed's stack doing the same ingest work, so the bench can say what this
 * service costs against it on the same stand-ins. Express 5 + express-rate-limit (memory store) +
 * a pg Pool + AWS SDK v3 with their defaults: per bill one INSERT, one S3 PutObject (the SDK adds
 * its default CRC32) and one SQS SendMessage, then 202. It computes the SHA-256 only because the
 * transactions table requires it. No idempotency lookup, no enqueue bookkeeping, no per-request
 * log line, no metrics: the seed had none of them. Never used outside the bench.
 *
 * Environment (the bench stack's, as for the service): PORT, HOST, API_KEY_PLAIN, DATABASE_URL,
 * DATABASE_POOL_SIZE, INCOMING_BUCKET, QUEUE_URL, AWS_* (endpoints through AWS_ENDPOINT_URL[_S3|_SQS]).
 */
import { createHash } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import express from "express";
import { rateLimit } from "express-rate-limit";
import pg from "pg";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
};

const apiKey = env("API_KEY_PLAIN");
const bucket = env("INCOMING_BUCKET");
const queueUrl = env("QUEUE_URL");
const pool = new pg.Pool({ connectionString: env("DATABASE_URL"), max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const s3 = new S3Client({ region: process.env.AWS_REGION ?? "us-east-1", forcePathStyle: true });
const sqs = new SQSClient({ region: process.env.AWS_REGION ?? "us-east-1" });

interface BillBody {
  netsuiteBillId?: unknown;
  fileName?: unknown;
  mimeType?: unknown;
  base64Data?: unknown;
}

const app = express();
app.use(express.json({ limit: "20mb" }));
app.use(rateLimit({ windowMs: 60_000, limit: 100_000_000, standardHeaders: "draft-7", legacyHeaders: false }));
app.get("/health/ready", (_req, res) => {
  res.json({ status: "ok" });
});
app.post("/api/v1/bills", async (req, res) => {
  if (req.get("x-api-key") !== apiKey) {
    res.status(401).json({ error: "unauthorized" });
    return;
  }
  const body = req.body as BillBody;
  const { netsuiteBillId, fileName, base64Data } = body;
  if (typeof netsuiteBillId !== "string" || typeof fileName !== "string" || typeof base64Data !== "string") {
    res.status(400).json({ error: "netsuiteBillId, fileName and base64Data are required" });
    return;
  }
  try {
    const bytes = Buffer.from(base64Data, "base64");
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const key = `bills/${netsuiteBillId}/${Date.now()}-${fileName}`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: "application/pdf" }));
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO transactions (netsuite_bill_id, file_name, mime_type, file_size, content_sha256, s3_bucket, s3_key)
       VALUES ($1, $2, 'application/pdf', $3, $4, $5, $6) RETURNING id`,
      [netsuiteBillId, fileName, bytes.length, sha256, bucket, key],
    );
    const id = rows[0]?.id;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({ transactionId: id, netsuiteBillId, bucket, key }),
      }),
    );
    res.status(202).json({ transactionId: id, status: "pending" });
  } catch (err) {
    console.error(err);
    res.status(500).json({ error: "internal error" });
  }
});

const server = app.listen(Number(env("PORT")), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => {
  server.close(() => {
    s3.destroy();
    sqs.destroy();
    void pool.end();
  });
});
