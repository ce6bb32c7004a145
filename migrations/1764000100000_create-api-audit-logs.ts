import type { MigrationBuilder } from "node-pg-migrate";

/**
 * Every Zoho call, sanitized, range-partitioned by month so old months can be detached and
 * dropped cheaply. create_audit_partitions(n) makes this month's and the next n months'
 * partitions (idempotent). This migration calls it once (3 months ahead). Migration
 * 1765000000000_audit-partition-maintenance replaces it (it also empties DEFAULT into its months);
 * since then the worker's scheduled job (consumer/src/jobs/audit-partitions.ts, via lib/partitions.ts)
 * calls it, and on-call can (`bill-mw-ops partitions ensure`, runbooks/rds-storage-low.md). A DEFAULT
 * partition catches anything outside the created months, so an insert never fails for want of one.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    CREATE TABLE api_audit_logs (
      id              bigint GENERATED ALWAYS AS IDENTITY,
      created_at      timestamptz NOT NULL DEFAULT now(),
      transaction_id  uuid,
      operation       text NOT NULL,
      method          text NOT NULL,
      url             text NOT NULL,
      status_code     integer,
      zoho_code       integer,
      duration_ms     integer,
      request         jsonb NOT NULL DEFAULT '{}'::jsonb,
      response        jsonb NOT NULL DEFAULT '{}'::jsonb,
      error           text,
      PRIMARY KEY (id, created_at)
    ) PARTITION BY RANGE (created_at);
    CREATE TABLE api_audit_logs_default PARTITION OF api_audit_logs DEFAULT;
    CREATE INDEX api_audit_logs_transaction ON api_audit_logs (transaction_id, created_at);
    CREATE INDEX api_audit_logs_request_gin ON api_audit_logs USING gin (request jsonb_path_ops);
    CREATE INDEX api_audit_logs_response_gin ON api_audit_logs USING gin (response jsonb_path_ops);

    CREATE FUNCTION create_audit_partitions(months_ahead integer DEFAULT 3)
    RETURNS integer LANGUAGE plpgsql AS $$
    DECLARE
      first_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
      m date;
      part text;
      created integer := 0;
    BEGIN
      FOR i IN 0..months_ahead LOOP
        m := (first_month + make_interval(months => i))::date;
        part := format('api_audit_logs_%s', to_char(m, 'YYYY_MM'));
        IF to_regclass(part) IS NULL THEN
          EXECUTE format(
            'CREATE TABLE %I PARTITION OF api_audit_logs FOR VALUES FROM (%L) TO (%L)',
            part, (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
          created := created + 1;
        END IF;
      END LOOP;
      RETURN created;
    END $$;
    SELECT create_audit_partitions(3);
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    DROP TABLE api_audit_logs;
    DROP FUNCTION create_audit_partitions(integer);
  `);
}
