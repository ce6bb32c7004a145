/**
 * Store once, on the AWS stand-in (moto): the synthesized incoming lifecycle is accepted by the S3
 * API as written, and what its expiry does to a versioned incoming bucket (a delete marker, then
 * the noncurrent version removed) leaves the processed copy readable and still locked. moto keeps
 * the rule but never runs it, so the test performs the two lifecycle actions itself.
 */
import { randomUUID } from "node:crypto";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  type LifecycleRule,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import t from "tap";
import { type Json, refName, resources, staging, synth } from "../helpers.ts";

const s3 = new S3Client({ region: process.env.AWS_REGION ?? "us-east-1", forcePathStyle: true });

/** The synthesized incoming rule in the S3 API's shape. */
function incomingRule(): LifecycleRule {
  const s = synth(staging);
  const bucketName = (name: string) => String(s.json.resource.aws_s3_bucket![name]!.bucket);
  const [, config] = resources(s, "aws_s3_bucket_lifecycle_configuration").find(([, p]) =>
    bucketName(refName(p.bucket)).includes("-incoming-"),
  )!;
  const rule = (config.rule as Json[])[0]!;
  const one = (key: string) => (rule[key] as Json[])[0]!;
  return {
    ID: String(rule.id),
    Status: "Enabled",
    Filter: { Prefix: String(one("filter").prefix) },
    Expiration: { Days: Number(one("expiration").days) },
    NoncurrentVersionExpiration: { NoncurrentDays: Number(one("noncurrent_version_expiration").noncurrent_days) },
    AbortIncompleteMultipartUpload: {
      DaysAfterInitiation: Number(one("abort_incomplete_multipart_upload").days_after_initiation),
    },
  };
}

async function versionedBucket(name: string, lock: boolean): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: lock }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled" } }));
}

t.test("the incoming rule as synthesized is accepted by S3 and read back unchanged", async (t) => {
  const bucket = `lifecycle-${randomUUID()}`;
  await versionedBucket(bucket, false);
  const rule = incomingRule();
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: [rule] } }),
  );
  const back = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
  t.match(back.Rules, [
    {
      ID: "transit-store-once",
      Status: "Enabled",
      Expiration: { Days: 30 },
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    },
  ]);
});

t.test("expiring an incoming PDF removes every version; the processed copy stays, locked", async (t) => {
  const incoming = `incoming-${randomUUID()}`;
  const processed = `processed-${randomUUID()}`;
  await versionedBucket(incoming, false);
  await versionedBucket(processed, true);
  const key = "bills/2026/12/01/bill.pdf";
  const pdf = Buffer.from("%PDF-1.7 store once");
  await s3.send(new PutObjectCommand({ Bucket: incoming, Key: key, Body: pdf }));
  const copied = await s3.send(
    new CopyObjectCommand({ Bucket: processed, Key: key, CopySource: `${incoming}/${key}` }),
  );
  // The bucket's default retention in AWS; moto refuses a copy into a default-retention bucket
  // without a checksum header, so the same COMPLIANCE retention is set on the copied version.
  await s3.send(
    new PutObjectRetentionCommand({
      Bucket: processed,
      Key: key,
      VersionId: copied.VersionId,
      Retention: { Mode: "COMPLIANCE", RetainUntilDate: new Date(Date.now() + 2555 * 86_400_000) },
      ChecksumAlgorithm: "SHA256",
    }),
  );

  // Day 30: the Expiration action (current version -> delete marker).
  await s3.send(new DeleteObjectCommand({ Bucket: incoming, Key: key }));
  const afterExpiry = await s3.send(new ListObjectVersionsCommand({ Bucket: incoming }));
  t.equal(afterExpiry.DeleteMarkers?.length, 1, "expiry leaves a delete marker");
  const noncurrent = afterExpiry.Versions ?? [];
  t.equal(noncurrent.length, 1, "and the PDF as a noncurrent version");
  // Day 31: NoncurrentVersionExpiration removes that version; S3 then drops the lone marker.
  await s3.send(new DeleteObjectCommand({ Bucket: incoming, Key: key, VersionId: noncurrent[0]!.VersionId }));
  const afterCleanup = await s3.send(new ListObjectVersionsCommand({ Bucket: incoming }));
  t.equal(afterCleanup.Versions, undefined, "no PDF bytes left in incoming");

  const copy = await s3.send(new GetObjectCommand({ Bucket: processed, Key: key }));
  t.equal(Buffer.from(await copy.Body!.transformToByteArray()).toString(), pdf.toString(), "processed keeps the PDF");
  t.equal(copy.ObjectLockMode, "COMPLIANCE");
  await t.rejects(
    s3.send(new DeleteObjectCommand({ Bucket: processed, Key: key, VersionId: copy.VersionId })),
    "the processed version cannot be deleted while locked",
  );
});
