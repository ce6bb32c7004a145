import type { MigrationBuilder } from "node-pg-migrate";

/** One row per NetSuite bill accepted by the ingest service: the delivery state machine. */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.createExtension("pgcrypto", { ifNotExists: true });
  pgm.sql(`
    CREATE TABLE transactions (
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      netsuite_bill_id  text NOT NULL,
      file_name         text NOT NULL,
      mime_type         text NOT NULL DEFAULT 'application/pdf',
      file_size         bigint NOT NULL CHECK (file_size >= 0),
      content_sha256    char(64) NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
      s3_bucket         text NOT NULL,
      s3_key            text NOT NULL,
      bill              jsonb,
      api_key_name      text,
      status            text NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'processing', 'success', 'failed')),
      retry_count       integer NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
      error_message     text,
      zoho_bill_id      text,
      zoho_document_id  text,
      enqueued_at       timestamptz,
      enqueue_attempts  integer NOT NULL DEFAULT 0,
      last_attempt_at   timestamptz,
      completed_at      timestamptz,
      created_at        timestamptz NOT NULL DEFAULT now(),
      updated_at        timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT transactions_netsuite_bill_id_key UNIQUE (netsuite_bill_id)
    );
    COMMENT ON COLUMN transactions.enqueued_at IS 'Last successful SQS send; NULL while pending means the sweeper must (re)enqueue.';
    CREATE INDEX transactions_status_created_at ON transactions (status, created_at);
    CREATE INDEX transactions_failed_created_at ON transactions (created_at) WHERE status = 'failed';

    CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
    CREATE TRIGGER transactions_set_updated_at BEFORE UPDATE ON transactions
      FOR EACH ROW EXECUTE FUNCTION set_updated_at();
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    DROP TABLE transactions;
    DROP FUNCTION set_updated_at();
  `);
}
