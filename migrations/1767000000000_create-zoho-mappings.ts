import type { MigrationBuilder } from "node-pg-migrate";
import { DB_ROLES } from "../lib/db-roles.ts";

/**
 * Mapping tables (issue 14): a NetSuite vendor, account, item or tax code -> its Zoho Books id, set by
 * operators (admin API, `bill-mw-ops mappings`), plus the currency cache (ISO code -> Zoho
 * currency_id, filled by the worker from GET /settings/currencies). One table keyed by (kind,
 * netsuite_key): every kind has the same shape and the same lifecycle. And on transactions: Zoho's
 * computed total and its difference from NetSuite's (both in the bill's currency).
 *
 * Expand only: a new table and two nullable columns without defaults (catalog changes), so the
 * previous release runs unchanged beside this schema.
 *
 * Grants: delivery reads mappings and writes only the currency cache rows (source 'zoho'; checked
 * by lib/mappings, the grant is table-wide); on-call manages them (DELETE on this table only: a
 * mapping is configuration, and every change also writes an operator action).
 */
const { owner, delivery, oncall } = DB_ROLES;

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    SET LOCAL lock_timeout = '5s';
    CREATE TABLE zoho_mappings (
      kind text NOT NULL CHECK (kind IN ('vendor', 'account', 'item', 'tax', 'currency')),
      netsuite_key text NOT NULL CHECK (length(netsuite_key) BETWEEN 1 AND 200),
      zoho_id text NOT NULL CHECK (zoho_id ~ '^[0-9]{1,30}$'),
      netsuite_name text CHECK (length(netsuite_name) <= 200),
      source text NOT NULL DEFAULT 'operator' CHECK (source IN ('operator', 'zoho')),
      updated_by text NOT NULL CHECK (length(updated_by) BETWEEN 1 AND 200),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (kind, netsuite_key)
    );
    COMMENT ON TABLE zoho_mappings IS 'NetSuite id (vendor, account, item, tax code) or ISO currency code -> Zoho Books id.';
    ALTER TABLE transactions ADD COLUMN zoho_total numeric(20, 4), ADD COLUMN total_difference numeric(20, 4);
    COMMENT ON COLUMN transactions.zoho_total IS 'The total Zoho Books computed for the bill (bill currency).';
    COMMENT ON COLUMN transactions.total_difference IS 'zoho_total minus NetSuite''s total; NULL when NetSuite sent no total.';
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${owner}') THEN
        ALTER TABLE zoho_mappings OWNER TO ${owner};
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${delivery}') THEN
        GRANT SELECT, INSERT, UPDATE ON zoho_mappings TO ${delivery};
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${oncall}') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON zoho_mappings TO ${oncall};
      END IF;
    END $$;
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    SET LOCAL lock_timeout = '5s';
    ALTER TABLE transactions DROP COLUMN total_difference, DROP COLUMN zoho_total;
    DROP TABLE zoho_mappings;
  `);
}
