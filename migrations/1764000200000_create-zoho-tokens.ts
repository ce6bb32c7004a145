import type { MigrationBuilder } from "node-pg-migrate";

/**
 * Zoho OAuth tokens per organization, encrypted at rest with pgcrypto (pgp_sym_encrypt).
 * The key never lives in the database: the worker passes it as a query parameter.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    CREATE TABLE zoho_tokens (
      organization_id          text PRIMARY KEY,
      refresh_token_enc        bytea NOT NULL,
      access_token_enc         bytea,
      access_token_expires_at  timestamptz,
      api_domain               text,
      refresh_count            integer NOT NULL DEFAULT 0,
      last_refreshed_at        timestamptz,
      last_refresh_error       text,
      created_at               timestamptz NOT NULL DEFAULT now(),
      updated_at               timestamptz NOT NULL DEFAULT now()
    );
    CREATE TRIGGER zoho_tokens_set_updated_at BEFORE UPDATE ON zoho_tokens
      FOR EACH ROW EXECUTE FUNCTION set_updated_at();
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql("DROP TABLE zoho_tokens;");
}
