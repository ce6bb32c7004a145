import type { MigrationBuilder } from "node-pg-migrate";

/**
 * Delivered bills whose Zoho total differs from NetSuite's (lib/operations/total-differences.ts: the
 * console's "Totals that differ" list, its Overview count, GET /admin/v1/total-differences) without
 * reading every delivered row: a partial index, newest delivery first, holding only those bills.
 *
 * Built CONCURRENTLY (outside a transaction) so ingest keeps writing to transactions while it builds.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.noTransaction();
  // One statement per call: a multi-statement string runs as one implicit transaction.
  pgm.sql("SET lock_timeout = '5s'");
  pgm.sql(`CREATE INDEX CONCURRENTLY IF NOT EXISTS transactions_total_differences
    ON transactions (completed_at DESC NULLS LAST, id) WHERE status = 'success' AND total_difference <> 0`);
  pgm.sql("RESET lock_timeout");
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.noTransaction();
  pgm.sql("SET lock_timeout = '5s'");
  pgm.sql("DROP INDEX CONCURRENTLY IF EXISTS transactions_total_differences");
  pgm.sql("RESET lock_timeout");
}
