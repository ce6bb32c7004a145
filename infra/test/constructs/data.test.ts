import t from "tap";
import { allEnvironments, type Json, refName, resource, resources, synth } from "../helpers.ts";

for (const config of allEnvironments) {
  const s = synth(config);
  const db = resource(s, "aws_db_instance", "database_postgres");
  const redis = resource(s, "aws_elasticache_replication_group", "cache_redis");
  const dataSubnets = resources(s, "aws_subnet")
    .filter(([n]) => n.includes("network_data-"))
    .map(([n]) => n)
    .sort();

  t.test(`${config.name}: PostgreSQL 16, Multi-AZ, private, in the data subnets`, async (t) => {
    t.match(db, { engine: "postgres", engine_version: "16", multi_az: true, publicly_accessible: false });
    const group = resource(s, "aws_db_subnet_group", "database_subnets");
    t.same((group.subnet_ids as unknown[]).map(refName).sort(), dataSubnets);
  });

  t.test(`${config.name}: RDS encrypted with the data CMK, Performance Insights encrypted too`, async (t) => {
    t.equal(db.storage_encrypted, true);
    t.match(db.kms_key_id, /aws_kms_key\.key-data_key/);
    t.equal(db.performance_insights_enabled, true);
    t.match(db.performance_insights_kms_key_id, /aws_kms_key\.key-data_key/);
    t.match(db.master_user_secret_kms_key_id, /aws_kms_key\.key-data_key/);
    t.equal(db.manage_master_user_password, true, "no password in Terraform state");
  });

  t.test(
    `${config.name}: backups, deletion protection, final snapshot, IAM auth, monitoring, log exports`,
    async (t) => {
      t.equal(db.backup_retention_period, config.dbBackupRetentionDays);
      t.ok((db.backup_retention_period as number) >= 7);
      t.equal(db.deletion_protection, true);
      t.equal(db.skip_final_snapshot, false);
      t.equal(db.iam_database_authentication_enabled, true);
      t.equal(db.monitoring_interval, 60);
      t.same(db.enabled_cloudwatch_logs_exports, ["postgresql", "upgrade"]);
    },
  );

  t.test(`${config.name}: parameter group: slow statements > 1 s, pg_stat_statements, forced SSL`, async (t) => {
    const params = resource(s, "aws_db_parameter_group", "database_params");
    t.equal(params.family, "postgres16");
    const byName = new Map((params.parameter as Json[]).map((p) => [p.name, p.value]));
    t.equal(byName.get("log_min_duration_statement"), "1000");
    t.equal(byName.get("shared_preload_libraries"), "pg_stat_statements");
    t.equal(byName.get("rds.force_ssl"), "1");
    t.match(db.parameter_group_name, /aws_db_parameter_group\.database_params/);
  });

  t.test(`${config.name}: bind values never reach the exported logs (issue 16.2)`, async (t) => {
    const params = resource(s, "aws_db_parameter_group", "database_params");
    const byName = new Map((params.parameter as Json[]).map((p) => [p.name, p.value]));
    // The pgcrypto key and Zoho tokens are bind parameters; a slow statement would log them.
    t.equal(byName.get("log_parameter_max_length"), "0");
    t.equal(byName.get("log_parameter_max_length_on_error"), "0");
  });

  t.test(
    `${config.name}: Redis replication group: Multi-AZ failover, TLS, CMK at rest, AUTH from Secrets Manager`,
    async (t) => {
      t.match(redis, {
        engine: "redis",
        automatic_failover_enabled: true,
        multi_az_enabled: true,
        at_rest_encryption_enabled: "true",
        transit_encryption_enabled: true,
        transit_encryption_mode: "required",
      });
      t.ok((redis.num_cache_clusters as number) >= 2);
      t.match(redis.kms_key_id, /aws_kms_key\.key-data_key/);
      t.match(redis.auth_token, /aws_secretsmanager_secret_version\.secrets_redis-auth-value_[0-9A-F]+\.secret_string/);
      const group = resource(s, "aws_elasticache_subnet_group", "cache_subnets");
      t.same((group.subnet_ids as unknown[]).map(refName).sort(), dataSubnets);
    },
  );
}
