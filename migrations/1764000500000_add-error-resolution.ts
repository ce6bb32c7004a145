import type { MigrationBuilder } from "node-pg-migrate";

/**
 * Error management (runbooks/README.md, scripts/ops/failed-bills.ts, the admin API under /admin/v1):
 * a failed bill can be marked resolved with who and why, and every operator action is kept in
 * an append-only table.
 *
 * Expand step only: nullable columns without a default are a catalog change (no table rewrite),
 * the CHECK is added NOT VALID and validated separately (VALIDATE takes SHARE UPDATE EXCLUSIVE,
 * so reads and writes continue), and lock_timeout makes the migration give up instead of queueing
 * every query behind it when a long transaction holds the table. Code that does not know the
 * columns keeps working: TransactionRow ignores them.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    SET LOCAL lock_timeout = '5s';
    ALTER TABLE transactions
      ADD COLUMN resolved_at     timestamptz,
      ADD COLUMN resolved_by     text,
      ADD COLUMN resolution_note text;
    ALTER TABLE transactions ADD CONSTRAINT transactions_resolution_complete
      CHECK (resolved_at IS NULL OR (resolved_by IS NOT NULL AND resolution_note IS NOT NULL)) NOT VALID;
    ALTER TABLE transactions VALIDATE CONSTRAINT transactions_resolution_complete;
    COMMENT ON COLUMN transactions.resolved_at IS 'Set when an operator marks a failed bill resolved (no further delivery wanted); cleared by a retry.';

    CREATE TABLE operator_actions (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      created_at       timestamptz NOT NULL DEFAULT now(),
      actor            text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
      action           text NOT NULL CHECK (action ~ '^[a-z][a-z-]{1,39}$'),
      reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
      channel          text NOT NULL CHECK (channel IN ('cli', 'admin-api', 'script')),
      transaction_ids  uuid[] NOT NULL DEFAULT '{}',
      details          jsonb NOT NULL DEFAULT '{}'::jsonb
    );
    COMMENT ON TABLE operator_actions IS 'Append-only audit of what operators did (retry, resolve, redrive, partition drops): who, what, why, when.';
    CREATE INDEX operator_actions_created_at ON operator_actions (created_at);
    CREATE INDEX operator_actions_transaction_ids ON operator_actions USING gin (transaction_ids);

    CREATE FUNCTION operator_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'operator_actions is append-only'; END $$;
    CREATE TRIGGER operator_actions_no_change BEFORE UPDATE OR DELETE ON operator_actions
      FOR EACH ROW EXECUTE FUNCTION operator_actions_append_only();
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    SET LOCAL lock_timeout = '5s';
    DROP TABLE operator_actions;
    DROP FUNCTION operator_actions_append_only();
    ALTER TABLE transactions
      DROP CONSTRAINT transactions_resolution_complete,
      DROP COLUMN resolved_at,
      DROP COLUMN resolved_by,
      DROP COLUMN resolution_note;
  `);
}
