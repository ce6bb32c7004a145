/** The performance stand-ins a cut measures against, started for the script (logs in bench-results/logs). */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, PutBucketVersioningCommand, type S3Client } from "@aws-sdk/client-s3";
import { type PerfStandIns, startPerfStandIns } from "../../stand-ins/perf-stand-ins.ts";
import { freePort, ROOT } from "../stack.ts";

export async function cutStandIns(): Promise<PerfStandIns> {
  const logDir = join(ROOT, "bench-results", "logs");
  mkdirSync(logDir, { recursive: true });
  const standIns = await startPerfStandIns(ROOT, logDir, { s3: await freePort(), sqs: await freePort() }, "gofakes3");
  // The stand-ins check no signature, but the SDK needs credentials to sign with.
  process.env.AWS_ACCESS_KEY_ID ??= "test";
  process.env.AWS_SECRET_ACCESS_KEY ??= "test";
  return standIns;
}

/** A versioned bucket of its own (as incoming is) and one 100 KiB body with its SHA-256 (hex) to put. */
export async function cutBucket(s3: S3Client): Promise<{ bucket: string; body: Buffer; sha256: string }> {
  const bucket = `cut-${randomBytes(4).toString("hex")}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
  const body = randomBytes(100 * 1024);
  return { bucket, body, sha256: createHash("sha256").update(body).digest("hex") };
}
