/**
 * Least privilege in the database (migrations/1766000000000_create-database-roles.ts): each
 * process role tries the statements it must not run and gets SQLSTATE 42501; the statements its
 * process does run succeed. The session takes the role with SET ROLE, so the checks are the ones a
 * login as that role gets (login itself: db-rotation.test.ts).
 */
import pg from "pg";
import t from "tap";
import { DB_ROLES, type DbRole } from "../db-roles.ts";
import { setupTestEnv } from "../testing/harness.ts";

const env = await setupTestEnv(t);
const client = new pg.Client({ connectionString: env.databaseUrl });
await client.connect();
t.teardown(() => client.end());

const txId = (
  await client.query(`INSERT INTO transactions (netsuite_bill_id, file_name, mime_type, file_size, content_sha256, s3_bucket, s3_key)
    VALUES ('NS-ROLES-1', 'a.pdf', 'application/pdf', 10, repeat('a', 64), 'b', 'k') RETURNING id`)
).rows[0].id as string;
await client.query(`INSERT INTO zoho_tokens (organization_id, refresh_token_enc) VALUES ('1', '\\x00')`);
await client.query(`INSERT INTO operator_actions (actor, action, reason, channel) VALUES ('a', 'retry', 'r', 'cli')`);

/** Runs sql as role inside a transaction that is rolled back; returns the SQLSTATE or "ok". */
async function as(role: DbRole, sql: string): Promise<string> {
  await client.query("BEGIN");
  try {
    await client.query(`SET LOCAL ROLE ${DB_ROLES[role]}`);
    await client.query(sql);
    return "ok";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await client.query("ROLLBACK");
  }
}

const TRIGGER_CHANGES = [
  "ALTER TABLE operator_actions DISABLE TRIGGER operator_actions_no_change",
  "ALTER TABLE transactions DISABLE TRIGGER ALL",
  "DROP TRIGGER operator_actions_no_change ON operator_actions",
  "CREATE TRIGGER x BEFORE INSERT ON transactions FOR EACH ROW EXECUTE FUNCTION set_updated_at()",
  "CREATE OR REPLACE FUNCTION operator_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
];

const FORBIDDEN: Record<Exclude<DbRole, "owner">, readonly string[]> = {
  ingest: [
    "SELECT * FROM zoho_tokens",
    "SELECT * FROM operator_actions",
    "INSERT INTO operator_actions (actor, action, reason, channel) VALUES ('x', 'retry', 'r', 'cli')",
    "SELECT * FROM api_audit_logs",
    "DELETE FROM transactions",
    "TRUNCATE transactions",
    "SELECT create_audit_partitions(1)",
    "SELECT drop_detached_audit_partition('api_audit_logs_2000_01')",
    "CREATE TABLE ingest_own (id int)",
    ...TRIGGER_CHANGES,
  ],
  delivery: [
    "SELECT * FROM operator_actions",
    "DELETE FROM transactions",
    "DELETE FROM zoho_tokens",
    "UPDATE api_audit_logs SET error = 'x'",
    "DELETE FROM api_audit_logs",
    ...TRIGGER_CHANGES,
  ],
  oncall: [
    "SELECT * FROM zoho_tokens",
    "UPDATE operator_actions SET reason = 'rewritten'",
    "DELETE FROM operator_actions",
    "INSERT INTO api_audit_logs (operation, method, url) VALUES ('x', 'GET', '/')",
    "DELETE FROM transactions",
    ...TRIGGER_CHANGES,
  ],
};

const ALLOWED: Record<DbRole, readonly string[]> = {
  owner: ["ALTER TABLE operator_actions DISABLE TRIGGER operator_actions_no_change", "SELECT * FROM zoho_tokens"],
  ingest: [
    "INSERT INTO transactions (netsuite_bill_id, file_name, mime_type, file_size, content_sha256, s3_bucket, s3_key) VALUES ('NS-2', 'a.pdf', 'application/pdf', 1, repeat('b', 64), 'b', 'k')",
    `UPDATE transactions SET enqueued_at = now() WHERE id = '${txId}'`,
    "SELECT * FROM transactions",
  ],
  delivery: [
    `UPDATE transactions SET status = 'processing' WHERE id = '${txId}'`,
    "SELECT refresh_token_enc FROM zoho_tokens",
    "UPDATE zoho_tokens SET refresh_count = refresh_count + 1",
    "INSERT INTO api_audit_logs (operation, method, url) VALUES ('books.bills.create', 'POST', '/bills')",
    "SELECT create_audit_partitions(1)",
    "SELECT count(*) FROM api_audit_logs_default",
  ],
  oncall: [
    "INSERT INTO operator_actions (actor, action, reason, channel) VALUES ('alice', 'retry', 'why', 'cli')",
    "SELECT * FROM operator_actions",
    `UPDATE transactions SET resolved_at = now(), resolved_by = 'a', resolution_note = 'n' WHERE id = '${txId}'`,
    "SELECT * FROM api_audit_logs",
    "SELECT create_audit_partitions(1)",
  ],
};

for (const role of ["ingest", "delivery", "oncall"] as const) {
  t.test(`${DB_ROLES[role]}: forbidden statements fail with 42501`, async (t) => {
    for (const sql of FORBIDDEN[role]) t.equal(await as(role, sql), "42501", sql);
  });
}
for (const role of Object.keys(DB_ROLES) as DbRole[]) {
  t.test(`${DB_ROLES[role]}: what its process runs succeeds`, async (t) => {
    for (const sql of ALLOWED[role]) t.equal(await as(role, sql), "ok", sql);
  });
}

t.test("the owner owns every table and function of the schema except extension members", async (t) => {
  const { rows } = await client.query(`
    SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
      AND c.relkind IN ('r', 'p') AND c.relowner <> '${DB_ROLES.owner}'::regrole
    UNION ALL
    SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> '${DB_ROLES.owner}'::regrole
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`);
  t.same(rows, []);
});

t.test("an audit partition made later is readable by delivery and on-call, not by ingest", async (t) => {
  t.equal(await as("delivery", "SELECT create_audit_partitions(1, '2031-01-15')"), "ok");
  await client.query("SELECT create_audit_partitions(0, '2031-01-15')");
  t.equal(await as("delivery", "SELECT count(*) FROM api_audit_logs_2031_01"), "ok");
  t.equal(await as("oncall", "SELECT count(*) FROM api_audit_logs_2031_01"), "ok");
  t.equal(await as("ingest", "SELECT count(*) FROM api_audit_logs_2031_01"), "42501");
});
