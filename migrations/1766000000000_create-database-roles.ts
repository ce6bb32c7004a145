import type { MigrationBuilder } from "node-pg-migrate";
import { loadMigrationRoleConfig } from "../lib/config.ts";
import { DB_ROLES, type DbRole, scramVerifier, unknownPassword } from "../lib/db-roles.ts";

/**
 * Least privilege in the database (docs/security.md). An owner role owns every table, function and
 * trigger, so only it can ALTER, DROP or disable a trigger; each process logs in with its own role:
 *
 * | role             | transactions            | api_audit_logs  | zoho_tokens            | operator_actions |
 * |------------------|-------------------------|-----------------|------------------------|------------------|
 * | bill_mw_ingest   | SELECT, INSERT, UPDATE  | -               | -                      | -                |
 * | bill_mw_delivery | SELECT, UPDATE          | SELECT, INSERT  | SELECT, INSERT, UPDATE | -                |
 * | bill_mw_oncall   | SELECT, UPDATE          | SELECT          | -                      | SELECT, INSERT   |
 *
 * Nobody gets DELETE, TRUNCATE, REFERENCES or TRIGGER. The audit partition functions (SECURITY
 * DEFINER, run as the owner) are executable by delivery and on-call only, and tables the owner
 * creates later (the monthly audit partitions, archived straight from the table once detached) are
 * readable by them; a migration adding a table grants what each role needs.
 *
 * Roles are cluster-wide and created only when missing (test databases are cloned from one migrated
 * template; concurrent runs race): LOGIN with the password from DB_ROLE_PASSWORD_<ROLE>, or with a
 * random one nobody knows until an administrator or the rotation sets it. Passwords travel as
 * SCRAM verifiers. The first run needs a role that may create roles (the RDS master user); later
 * migrations run as bill_mw_owner.
 */
const { owner, ingest, delivery, oncall } = DB_ROLES;
const RUNTIME = `${ingest}, ${delivery}, ${oncall}`;
const PARTITION_FUNCTIONS = [
  "attach_audit_month(date)",
  "create_audit_partitions(integer, timestamptz)",
  "detach_audit_partitions_before(date)",
  "audit_detached_partitions()",
  "drop_detached_audit_partition(text)",
];

function createRole(role: DbRole, password: string | undefined): string {
  const verifier = scramVerifier(password ?? unknownPassword());
  return `DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${DB_ROLES[role]}') THEN
      CREATE ROLE ${DB_ROLES[role]} LOGIN PASSWORD '${verifier}';
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- a concurrent run created it
  END $$;`;
}

/** Every table, view, free-standing sequence and function in public that the migrating user owns (extension members stay). */
const TO_OWNER = `DO $$ DECLARE r record; BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT ${owner} TO %I', current_user);
  END IF;
  FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner = current_user::regrole
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                      AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i')))) -- owned sequences follow their table
  LOOP EXECUTE format('ALTER TABLE %s OWNER TO ${owner}', r.rel); END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace AND p.proowner = current_user::regrole
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP EXECUTE format('ALTER FUNCTION %s OWNER TO ${owner}', r.fn); END LOOP;
END $$;`;

/** Existing audit partitions (attached or detached) are readable like future ones. */
const PARTITION_READERS = `DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
    AND c.relname ~ '^api_audit_logs_([0-9]{4}_[0-9]{2}|default)$'
  LOOP EXECUTE format('GRANT SELECT ON %I TO ${delivery}, ${oncall}', r.relname); END LOOP;
END $$;`;

export async function up(pgm: MigrationBuilder): Promise<void> {
  const passwords = loadMigrationRoleConfig();
  pgm.sql(`
    SET LOCAL lock_timeout = '5s';
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${owner}') THEN
        CREATE ROLE ${owner} LOGIN PASSWORD '${scramVerifier(passwords.DB_ROLE_PASSWORD_OWNER ?? unknownPassword())}';
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$;
    ${createRole("ingest", passwords.DB_ROLE_PASSWORD_INGEST)}
    ${createRole("delivery", passwords.DB_ROLE_PASSWORD_DELIVERY)}
    ${createRole("oncall", passwords.DB_ROLE_PASSWORD_ONCALL)}
    GRANT USAGE, CREATE ON SCHEMA public TO ${owner};
    GRANT USAGE ON SCHEMA public TO ${RUNTIME};
    ${TO_OWNER}

    GRANT SELECT, INSERT, UPDATE ON transactions TO ${ingest};
    GRANT SELECT, UPDATE ON transactions TO ${delivery}, ${oncall};
    GRANT SELECT, INSERT ON api_audit_logs TO ${delivery};
    GRANT SELECT ON api_audit_logs TO ${oncall};
    GRANT SELECT, INSERT, UPDATE ON zoho_tokens TO ${delivery};
    GRANT SELECT, INSERT ON operator_actions TO ${oncall};
    ${PARTITION_FUNCTIONS.map(
      (f) => `REVOKE EXECUTE ON FUNCTION ${f} FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION ${f} TO ${delivery}, ${oncall};`,
    ).join("\n    ")}
    ${PARTITION_READERS}
    ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT ON TABLES TO ${delivery}, ${oncall};
  `);
}

/**
 * Ownership goes back to the migrating user and the runtime roles lose every grant in this
 * database. The roles themselves are dropped only when no other database still uses them.
 */
export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    SET LOCAL lock_timeout = '5s';
    ${PARTITION_FUNCTIONS.map((f) => `GRANT EXECUTE ON FUNCTION ${f} TO PUBLIC;`).join("\n    ")}
    ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public REVOKE SELECT ON TABLES FROM ${delivery}, ${oncall};
    DROP OWNED BY ${RUNTIME};
    DO $$ BEGIN EXECUTE format('REASSIGN OWNED BY ${owner} TO %I', current_user); END $$;
    REVOKE USAGE, CREATE ON SCHEMA public FROM ${owner};
    DO $$ DECLARE r text; BEGIN
      FOREACH r IN ARRAY ARRAY['${ingest}', '${delivery}', '${oncall}', '${owner}'] LOOP
        BEGIN EXECUTE format('DROP ROLE %I', r);
        EXCEPTION WHEN dependent_objects_still_exist THEN NULL; -- another database still grants to it
        END;
      END LOOP;
    END $$;
  `);
}
