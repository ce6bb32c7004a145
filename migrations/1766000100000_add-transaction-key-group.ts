import type { MigrationBuilder } from "node-pg-migrate";

/**
 * Who may read a transaction (service/src/auth/transaction-access.ts): the key group that created
 * it. Expand step only: a nullable column without a default is a catalog change; rows written
 * before it (NULL) stay readable by the key named in api_key_name.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    SET LOCAL lock_timeout = '5s';
    ALTER TABLE transactions ADD COLUMN api_key_group text;
    COMMENT ON COLUMN transactions.api_key_group IS 'Key group (API_KEYS "group", else the key name) that created the row; only it may read the row.';
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    SET LOCAL lock_timeout = '5s';
    ALTER TABLE transactions DROP COLUMN api_key_group;
  `);
}
