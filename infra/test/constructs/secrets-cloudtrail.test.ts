import t from "tap";
import { ROTATION_DAYS } from "../../src/constructs/secret-rotation.ts";
import { allEnvironments, parse, refName, resource, resources, synth } from "../helpers.ts";

for (const config of allEnvironments) {
  const s = synth(config);
  const secrets = new Map(resources(s, "aws_secretsmanager_secret").map(([n, p]) => [n, p]));

  t.test(
    `${config.name}: Zoho OAuth, API keys, admin keys, Redis AUTH, token key, database logins, each with the secrets CMK`,
    async (t) => {
      t.same([...secrets.values()].map((p) => p.name).sort(), [
        `bill-mw-${config.name}/admin-api-keys`,
        `bill-mw-${config.name}/api-keys`,
        `bill-mw-${config.name}/db-delivery`,
        `bill-mw-${config.name}/db-ingest`,
        `bill-mw-${config.name}/db-oncall`,
        `bill-mw-${config.name}/redis-auth`,
        `bill-mw-${config.name}/token-encryption-key`,
        `bill-mw-${config.name}/zoho-oauth`,
      ]);
      for (const p of secrets.values()) t.match(p.kms_key_id, /aws_kms_key\.key-secrets_key/);
    },
  );

  t.test(`${config.name}: Zoho OAuth, API keys and admin keys rotate every 90 days`, async (t) => {
    const rotations = resources(s, "aws_secretsmanager_secret_rotation").map(([, p]) => p);
    t.equal(ROTATION_DAYS, 90);
    const rotated = rotations.map((r) => String(secrets.get(refName(r.secret_id))?.name)).sort();
    t.same(rotated, [
      `bill-mw-${config.name}/admin-api-keys`,
      `bill-mw-${config.name}/api-keys`,
      `bill-mw-${config.name}/zoho-oauth`,
    ]);
    for (const r of rotations) {
      t.match(r.rotation_rules, { automatically_after_days: 90 });
      t.match(r.rotation_lambda_arn, /aws_lambda_function\.secret-rotation_rotator_function/);
    }
    t.match(resource(s, "aws_lambda_function", "secret-rotation"), { handler: "secret-rotation.handler" });
  });

  t.test(`${config.name}: Redis AUTH and the token key are generated once and never replaced by a plan`, async (t) => {
    const versions = resources(s, "aws_secretsmanager_secret_version").map(([, p]) => p);
    t.same(versions.map((v) => String(secrets.get(refName(v.secret_id))?.name)).sort(), [
      `bill-mw-${config.name}/redis-auth`,
      `bill-mw-${config.name}/token-encryption-key`,
    ]);
    for (const v of versions) {
      t.match(v.secret_string, /^\$\{data\.aws_secretsmanager_random_password\./);
      t.match(v.lifecycle, { ignore_changes: ["secret_string"] });
    }
    const random = Object.values(s.json.data?.aws_secretsmanager_random_password ?? {});
    t.equal(random.length, 2);
    for (const r of random) t.match(r, { password_length: 64, exclude_punctuation: true });
  });

  t.test(`${config.name}: every KMS key rotates and has an explicit policy`, async (t) => {
    const keys = resources(s, "aws_kms_key");
    t.equal(keys.length, 5, "data, storage, messaging, secrets, logs");
    for (const [name, k] of keys) {
      t.equal(k.enable_key_rotation, true, name);
      t.ok(parse(k.policy).Statement, name);
    }
  });

  t.test(
    `${config.name}: CloudTrail: multi-region, log file validation, KMS, S3 data events on the PDF buckets`,
    async (t) => {
      // Logical ids start with "audit_": the CloudTrail construct keeps its original id (its address).
      const trail = resource(s, "aws_cloudtrail", "audit_trail");
      t.match(trail, {
        enable_log_file_validation: true,
        is_multi_region_trail: true,
        include_global_service_events: true,
        s3_key_prefix: "cloudtrail",
        kms_key_id: /aws_kms_key\.key-logs_key/,
        cloud_watch_logs_group_arn: /aws_cloudwatch_log_group\.audit_logs/,
      });
      const selector = (trail.event_selector as { data_resource: { type: string; values: string[] }[] }[])[0]!;
      t.equal(selector.data_resource[0]!.type, "AWS::S3::Object");
      t.equal(selector.data_resource[0]!.values.length, 2);
    },
  );

  t.test(`${config.name}: every log group has retention and a CMK`, async (t) => {
    const groups = resources(s, "aws_cloudwatch_log_group");
    t.ok(groups.length >= 9);
    for (const [name, g] of groups) {
      t.equal(g.retention_in_days, config.logRetentionDays, name);
      t.match(g.kms_key_id, /aws_kms_key\.key-logs_key/, name);
    }
  });

  t.test(`${config.name}: every data store is encrypted`, async (t) => {
    for (const [name, q] of resources(s, "aws_sqs_queue")) t.ok(q.kms_master_key_id, name);
    for (const [name, topic] of resources(s, "aws_sns_topic")) t.ok(topic.kms_master_key_id, name);
    for (const [name, fn] of resources(s, "aws_lambda_function")) t.ok(fn.kms_key_arn, name);
    t.equal(
      resources(s, "aws_s3_bucket_server_side_encryption_configuration").length,
      resources(s, "aws_s3_bucket").length,
    );
    t.equal(resource(s, "aws_db_instance", "database").storage_encrypted, true);
    t.equal(resource(s, "aws_elasticache_replication_group", "cache").at_rest_encryption_enabled, "true");
  });
}
