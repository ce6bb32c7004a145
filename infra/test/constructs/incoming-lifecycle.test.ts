/**
 * Store once (docs/adr/0009-store-once-by-tag.md), on the synthesized JSON and on the AWS stand-in
 * (moto): the incoming rules as synthesized are accepted by the S3 API and read back unchanged; a
 * PDF the worker tagged (lib/storage.ts markStoredOnce, the worker's own call) falls under the
 * 1-day rule, an untagged one only under the 400-day backstop. moto keeps the rules but never runs
 * them, so the test decides from the rules and tags moto returns which rule acts on which day (S3's
 * rule: where expirations overlap, the shorter one wins) and performs those actions itself.
 */
import { randomUUID } from "node:crypto";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  type LifecycleRule,
  type LifecycleRuleFilter,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
  type Tag,
} from "@aws-sdk/client-s3";
import t from "tap";
import { markStoredOnce } from "../../../lib/storage.ts";
import { type Json, refName, resources, staging, synth } from "../helpers.ts";

const s3 = new S3Client({ region: process.env.AWS_REGION ?? "us-east-1", forcePathStyle: true });
t.teardown(() => s3.destroy());

/** The synthesized incoming rules as JSON. */
function synthesizedRules(): Json[] {
  const s = synth(staging);
  const bucketName = (name: string) => String(s.json.resource.aws_s3_bucket![name]!.bucket);
  const [, config] = resources(s, "aws_s3_bucket_lifecycle_configuration").find(([, p]) =>
    bucketName(refName(p.bucket)).includes("-incoming-"),
  )!;
  return config.rule as Json[];
}

/** One synthesized rule in the S3 API's shape (each block present only if synthesized). */
function apiRule(rule: Json): LifecycleRule {
  const one = (key: string) => (rule[key] as Json[] | undefined)?.[0];
  const filter = one("filter")!;
  const tag = (filter.tag as Json[] | undefined)?.[0];
  const expiration = one("expiration");
  const noncurrent = one("noncurrent_version_expiration");
  const abort = one("abort_incomplete_multipart_upload");
  return {
    ID: String(rule.id),
    Status: "Enabled",
    Filter: tag ? { Tag: { Key: String(tag.key), Value: String(tag.value) } } : { Prefix: String(filter.prefix) },
    ...(expiration && {
      Expiration: expiration.expired_object_delete_marker
        ? { ExpiredObjectDeleteMarker: true }
        : { Days: Number(expiration.days) },
    }),
    ...(noncurrent && { NoncurrentVersionExpiration: { NoncurrentDays: Number(noncurrent.noncurrent_days) } }),
    ...(abort && { AbortIncompleteMultipartUpload: { DaysAfterInitiation: Number(abort.days_after_initiation) } }),
  };
}

const matches = (filter: LifecycleRuleFilter | undefined, key: string, tags: readonly Tag[]): boolean =>
  filter?.Tag
    ? tags.some((x) => x.Key === filter.Tag!.Key && x.Value === filter.Tag!.Value)
    : key.startsWith(filter?.Prefix ?? "");

/** The rule and day that act first on a version with these tags: `current` (Expiration) or noncurrent. */
function firstAction(rules: readonly LifecycleRule[], key: string, tags: readonly Tag[], current: boolean) {
  const days = (r: LifecycleRule) => (current ? r.Expiration?.Days : r.NoncurrentVersionExpiration?.NoncurrentDays);
  return rules
    .filter((r) => r.Status === "Enabled" && days(r) !== undefined && matches(r.Filter, key, tags))
    .map((r) => ({ id: r.ID, day: days(r)! }))
    .sort((a, b) => a.day - b.day)[0];
}

async function versionedBucket(name: string, lock: boolean): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: lock }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled" } }));
}

/** An incoming bucket carrying the synthesized rules, as moto read them back. */
async function incomingWithRules(): Promise<{ bucket: string; rules: LifecycleRule[] }> {
  const bucket = `incoming-${randomUUID()}`;
  await versionedBucket(bucket, false);
  const Rules = synthesizedRules().map(apiRule);
  await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules } }));
  const back = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
  return { bucket, rules: back.Rules ?? [] };
}

const tagsOf = async (bucket: string, key: string, versionId?: string) =>
  (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId }))).TagSet ?? [];

/** The two expiry rules of INCOMING_LIFECYCLE, as the S3 API spells them (synthesized and read back alike). */
const EXPIRY_RULES = [
  {
    ID: "delivered-stored-once",
    Status: "Enabled",
    Filter: { Tag: { Key: "stored-once", Value: "delivered" } },
    Expiration: { Days: 1 },
    NoncurrentVersionExpiration: { NoncurrentDays: 1 },
  },
  {
    ID: "undelivered-backstop",
    Status: "Enabled",
    Filter: { Prefix: "" },
    Expiration: { Days: 400 },
    NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
  },
];

t.test("the synthesized rules: delivered (tag) 1 d, backstop 400 d, lone delete markers", async (t) => {
  t.same(synthesizedRules().map(apiRule), [
    ...EXPIRY_RULES,
    {
      ID: "lone-delete-markers",
      Status: "Enabled",
      Filter: { Prefix: "" },
      Expiration: { ExpiredObjectDeleteMarker: true },
    },
  ]);
});

t.test("the incoming rules as synthesized are accepted by S3 and read back unchanged", async (t) => {
  const { rules } = await incomingWithRules();
  t.match(rules, [
    ...EXPIRY_RULES,
    { ID: "lone-delete-markers", Status: "Enabled", Expiration: { ExpiredObjectDeleteMarker: true } },
  ]);
  t.equal(rules.length, 3);
});

t.test(
  "a delivered PDF (tagged by the worker's call) expires after a day; the processed copy stays, locked",
  async (t) => {
    const { bucket: incoming, rules } = await incomingWithRules();
    const processed = `processed-${randomUUID()}`;
    await versionedBucket(processed, true);
    const key = "bills/2026/12/01/bill.pdf";
    const pdf = Buffer.from("%PDF-1.7 store once");
    await s3.send(new PutObjectCommand({ Bucket: incoming, Key: key, Body: pdf }));
    t.same(firstAction(rules, key, await tagsOf(incoming, key), true), { id: "undelivered-backstop", day: 400 });

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
    await markStoredOnce(s3, { bucket: incoming, key });
    t.same(
      firstAction(rules, key, await tagsOf(incoming, key), true),
      { id: "delivered-stored-once", day: 1 },
      "tagged: the 1-day rule wins over the backstop (the shorter expiration)",
    );

    // Day 1: the Expiration action (current version -> delete marker).
    await s3.send(new DeleteObjectCommand({ Bucket: incoming, Key: key }));
    const afterExpiry = await s3.send(new ListObjectVersionsCommand({ Bucket: incoming }));
    t.equal(afterExpiry.DeleteMarkers?.length, 1, "expiry leaves a delete marker");
    const noncurrent = afterExpiry.Versions ?? [];
    t.equal(noncurrent.length, 1, "and the PDF as a noncurrent version");
    t.same(
      firstAction(rules, key, await tagsOf(incoming, key, noncurrent[0]!.VersionId), false),
      { id: "delivered-stored-once", day: 1 },
      "the noncurrent version keeps its tag: removed a day later",
    );
    // Day 2: NoncurrentVersionExpiration removes that version; the marker is then alone.
    await s3.send(new DeleteObjectCommand({ Bucket: incoming, Key: key, VersionId: noncurrent[0]!.VersionId }));
    const markerRule = rules.find((r) => r.Expiration?.ExpiredObjectDeleteMarker && matches(r.Filter, key, []));
    t.equal(markerRule?.ID, "lone-delete-markers", "a rule removes the lone marker (markers carry no tags)");
    const marker = afterExpiry.DeleteMarkers![0]!;
    await s3.send(new DeleteObjectCommand({ Bucket: incoming, Key: key, VersionId: marker.VersionId }));
    const afterCleanup = await s3.send(new ListObjectVersionsCommand({ Bucket: incoming }));
    t.equal(afterCleanup.Versions, undefined, "no PDF bytes left in incoming");
    t.equal(afterCleanup.DeleteMarkers, undefined, "nor a marker");

    const copy = await s3.send(new GetObjectCommand({ Bucket: processed, Key: key }));
    t.equal(Buffer.from(await copy.Body!.transformToByteArray()).toString(), pdf.toString(), "processed keeps the PDF");
    t.equal(copy.ObjectLockMode, "COMPLIANCE");
    t.same(await tagsOf(processed, key), [], "the copy is not tagged (and processed has no tag rule)");
    await t.rejects(
      s3.send(new DeleteObjectCommand({ Bucket: processed, Key: key, VersionId: copy.VersionId })),
      "the processed version cannot be deleted while locked",
    );
  },
);

t.test("an undelivered PDF (failed, waiting for a fix) is kept until the 400-day backstop", async (t) => {
  const { bucket: incoming, rules } = await incomingWithRules();
  const key = "bills/2026/12/01/failed.pdf";
  await s3.send(new PutObjectCommand({ Bucket: incoming, Key: key, Body: Buffer.from("%PDF-1.7 failed") }));
  const action = firstAction(rules, key, await tagsOf(incoming, key), true);
  t.same(action, { id: "undelivered-backstop", day: 400 }, "no tag: only the backstop");
  t.ok(action!.day > 14 + 365, "past the DLQ's 14 days and a year-end close");
  // Day 30 (the old rule's expiry) does nothing to it: still readable as the worker reads it.
  const got = await s3.send(new GetObjectCommand({ Bucket: incoming, Key: key }));
  t.equal(Buffer.from(await got.Body!.transformToByteArray()).toString(), "%PDF-1.7 failed");
  // A tag on some other key/value (an operator's) does not shorten it.
  const other = [{ Key: "stored-once", Value: "pending" }];
  t.same(firstAction(rules, key, other, true), { id: "undelivered-backstop", day: 400 });
});
