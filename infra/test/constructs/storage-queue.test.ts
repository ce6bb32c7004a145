import t from "tap";
import { INCOMING_LIFECYCLE, LIFECYCLE } from "../../src/constructs/secure-bucket.ts";
import { allEnvironments, type Json, parse, refName, resources, synth } from "../helpers.ts";

for (const config of allEnvironments) {
  const s = synth(config);
  const buckets = new Map(resources(s, "aws_s3_bucket").map(([name, p]) => [name, String(p.bucket)]));
  const short = (ref: unknown) =>
    (buckets.get(refName(ref)) ?? "?").replace(`bill-mw-${config.name}-`, "").replace(/-\d+$/, "");
  const byBucket = (type: string) => new Map(resources(s, type).map(([, p]) => [short(p.bucket), p]));
  const all = ["access-logs", "artifacts", "incoming", "processed"];

  t.test(`${config.name}: incoming, processed, access-log and artifact buckets`, async (t) => {
    const expected = all.map((b) => `bill-mw-${config.name}-${b}-${config.accountId}`);
    t.same([...buckets.values()].sort(), expected.sort(), "global names carry the account id (lib/naming.ts)");
  });

  t.test(`${config.name}: every bucket encrypted: CMK, except SSE-S3 where AWS log delivery requires it`, async (t) => {
    const enc = byBucket("aws_s3_bucket_server_side_encryption_configuration");
    t.same([...enc.keys()].sort(), all);
    for (const [name, p] of enc) {
      const rule = (p.rule as Json[])[0]!.apply_server_side_encryption_by_default as Json;
      if (name === "access-logs") t.same(rule, { sse_algorithm: "AES256" }, "ALB and S3 access logs need SSE-S3");
      else t.match(rule, { sse_algorithm: "aws:kms", kms_master_key_id: /aws_kms_key\.key-storage_key/ }, name);
    }
  });

  t.test(
    `${config.name}: versioning, all public access blocked, owner-enforced, TLS-only policy on every bucket`,
    async (t) => {
      for (const [name, p] of byBucket("aws_s3_bucket_versioning"))
        t.match(p.versioning_configuration, { status: "Enabled" }, name);
      const pab = byBucket("aws_s3_bucket_public_access_block");
      t.same([...pab.keys()].sort(), all);
      for (const [name, p] of pab) {
        t.match(
          p,
          {
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
          },
          name,
        );
      }
      for (const [name, p] of byBucket("aws_s3_bucket_ownership_controls"))
        t.match(p.rule, { object_ownership: "BucketOwnerEnforced" }, name);
      const policies = byBucket("aws_s3_bucket_policy");
      t.same([...policies.keys()].sort(), all);
      for (const [name, p] of policies) {
        t.match(
          parse(p.policy).Statement,
          [{ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }],
          name,
        );
      }
    },
  );

  t.test(
    `${config.name}: lifecycle 30 d STANDARD_IA, 90 d GLACIER, expiry 2555 d, noncurrent and MPU cleanup (all but incoming)`,
    async (t) => {
      const lifecycles = byBucket("aws_s3_bucket_lifecycle_configuration");
      t.same([...lifecycles.keys()].sort(), all);
      for (const [name, p] of lifecycles) {
        if (name === "incoming") continue; // its own transit rule, next test
        t.match(
          p.rule,
          [
            {
              status: "Enabled",
              transition: [
                { days: 30, storage_class: "STANDARD_IA" },
                { days: 90, storage_class: "GLACIER" },
              ],
              expiration: [{ days: 2555 }],
              noncurrent_version_expiration: [{ noncurrent_days: LIFECYCLE.noncurrentExpireAfterDays }],
              abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
            },
          ],
          name,
        );
      }
    },
  );

  t.test(
    `${config.name}: store once: a delivered (tagged) PDF expires after 1 d, an undelivered one at 400 d, no tiers`,
    async (t) => {
      const incoming = byBucket("aws_s3_bucket_lifecycle_configuration").get("incoming")!;
      t.same(incoming.rule, [
        {
          id: "delivered-stored-once",
          status: "Enabled",
          filter: [{ tag: [{ key: "stored-once", value: "delivered" }] }],
          expiration: [{ days: 1 }],
          noncurrent_version_expiration: [{ noncurrent_days: 1 }],
        },
        {
          id: "undelivered-backstop",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: 400 }],
          noncurrent_version_expiration: [{ noncurrent_days: 1 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
        },
        {
          id: "lone-delete-markers",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ expired_object_delete_marker: true }],
        },
      ]);
      t.ok(
        INCOMING_LIFECYCLE.deliveredExpireAfterDays < LIFECYCLE.standardIaAfterDays,
        "a delivered PDF never pays STANDARD_IA's 30-day minimum",
      );
      t.ok(
        INCOMING_LIFECYCLE.backstopExpireAfterDays > 14 + 365,
        "an undelivered one outlives the DLQ and a year-end close",
      );
    },
  );

  t.test(`${config.name}: Object Lock COMPLIANCE on processed only, retention equal to the expiry`, async (t) => {
    const locks = byBucket("aws_s3_bucket_object_lock_configuration");
    t.same([...locks.keys()], ["processed"]);
    t.same(locks.get("processed")!.rule, { default_retention: { mode: "COMPLIANCE", days: 2555 } });
    const processed = resources(s, "aws_s3_bucket").find(([, p]) => String(p.bucket).includes("-processed-"))![1];
    t.equal(processed.object_lock_enabled, true);
    const expiry = (byBucket("aws_s3_bucket_lifecycle_configuration").get("processed")!.rule as Json[])[0]!
      .expiration as Json[];
    t.equal(expiry[0]!.days, 2555, "lifecycle never tries to expire a version the lock still holds");
  });

  t.test(`${config.name}: PDF and artifact buckets log access to the access-log bucket`, async (t) => {
    const logging = byBucket("aws_s3_bucket_logging");
    t.same([...logging.keys()].sort(), ["artifacts", "incoming", "processed"]);
    for (const p of logging.values()) t.match(p.target_bucket, /-access-logs-/);
  });

  t.test(`${config.name}: queue and DLQ with a CMK, dead-lettered after the configured receive count`, async (t) => {
    const queues = new Map(resources(s, "aws_sqs_queue").map(([, p]) => [String(p.name), p]));
    const main = queues.get(`bill-mw-${config.name}-bills`)!;
    const dlq = queues.get(`bill-mw-${config.name}-bills-dlq`)!;
    for (const q of [main, dlq]) t.match(q.kms_master_key_id, /aws_kms_key\.key-messaging_key/);
    t.match(parse(main.redrive_policy), { maxReceiveCount: config.maxReceiveCount, deadLetterTargetArn: /queue_dlq/ });
    t.equal(config.maxReceiveCount, 5);
    t.equal(dlq.message_retention_seconds, 1209600);
    const allow = resources(s, "aws_sqs_queue_redrive_allow_policy")[0]![1];
    t.match(parse(allow.redrive_allow_policy), { redrivePermission: "byQueue" });
  });

  t.test(`${config.name}: visibility timeout above the worker budget and >= 6x the Lambda timeout`, async (t) => {
    const main = resources(s, "aws_sqs_queue").find(([, p]) => p.name === `bill-mw-${config.name}-bills`)![1];
    const fn = resources(s, "aws_lambda_function").find(([n]) => n.includes("burst"))![1];
    t.ok((main.visibility_timeout_seconds as number) > config.workerBudgetSeconds);
    t.ok((main.visibility_timeout_seconds as number) >= 6 * (fn.timeout as number));
  });
}
