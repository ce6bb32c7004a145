/**
 * The schema: migrations round-trip, and the constraints the delivery guarantees rest on hold.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import pg from "pg";
import t from "tap";
import { setupTestEnv } from "../testing/harness.ts";

const migrationsDir = fileURLToPath(new URL("../../migrations", import.meta.url));

/** A fingerprint of everything the migrations create: columns, constraints, indexes, functions, partitions. */
async function schemaFingerprint(client: pg.Client): Promise<string> {
  const q = async (text: string) => (await client.query(text)).rows.map((r) => JSON.stringify(r)).join("\n");
  return [
    await q(`SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> 'pgmigrations' ORDER BY 1, 2`),
    await q(`SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
             WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`),
    await q(
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'pgmigrations' ORDER BY 1, 2`,
    ),
    await q(`SELECT proname, pg_get_function_identity_arguments(oid) AS args FROM pg_proc
             WHERE pronamespace = 'public'::regnamespace ORDER BY 1, 2`),
    await q(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid ORDER BY 1`),
  ].join("\n--\n");
}

t.test("migrations up, down and up again leave the same schema", async (t) => {
  const base = process.env.DATABASE_URL as string;
  const name = `mig_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base.replace(/\/[^/]*$/, "/postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  t.teardown(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  const url = base.replace(/\/[^/]*$/, `/${name}`);
  const run = (direction: "up" | "down", count = Number.POSITIVE_INFINITY) =>
    runner({
      databaseUrl: url,
      dir: migrationsDir,
      ignorePattern: String.raw`(\..*|.*\.md)`, // same as the migrate script: skip dot files and the README
      direction,
      count,
      migrationsTable: "pgmigrations",
      log: () => {},
    });

  const applied = await run("up");
  t.ok(applied.length >= 3, `applied ${applied.length} migrations`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  t.teardown(() => client.end());
  const first = await schemaFingerprint(client);
  t.match(first, /transactions_status_created_at/);
  t.match(first, /api_audit_logs_default/);

  await run("down");
  const empty = await client.query(
    "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'pgmigrations'",
  );
  t.equal(empty.rows[0].n, 0, "every down step removes what its up step made");

  await run("up");
  t.equal(await schemaFingerprint(client), first, "schema after up/down/up equals the first up");
});

t.test("constraints on the migrated schema", async (t) => {
  const env = await setupTestEnv(t);
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const sha = "a".repeat(64);
  const insert = (billId: string, status = "pending") =>
    client.query(
      `INSERT INTO transactions (netsuite_bill_id, file_name, file_size, content_sha256, s3_bucket, s3_key, status)
       VALUES ($1, 'bill.pdf', 10, $2, 'b', 'k', $3)`,
      [billId, sha, status],
    );

  t.test("a duplicate netsuite_bill_id is rejected by the database", async (t) => {
    await insert("NS-1");
    await t.rejects(insert("NS-1"), { code: "23505", constraint: "transactions_netsuite_bill_id_key" });
    const { rows } = await client.query("SELECT count(*)::int AS n FROM transactions WHERE netsuite_bill_id = 'NS-1'");
    t.equal(rows[0].n, 1);
  });

  t.test("an invalid status is rejected", async (t) => {
    await t.rejects(insert("NS-2", "delivered"), { code: "23514" });
    await t.rejects(client.query("UPDATE transactions SET status = 'done' WHERE netsuite_bill_id = 'NS-1'"), {
      code: "23514",
    });
  });

  t.test("a malformed content hash is rejected", async (t) => {
    await t.rejects(
      client.query(
        `INSERT INTO transactions (netsuite_bill_id, file_name, file_size, content_sha256, s3_bucket, s3_key)
         VALUES ('NS-3', 'x.pdf', 1, $1, 'b', 'k')`,
        ["Z".repeat(64)],
      ),
      { code: "23514" },
    );
  });

  t.test("an audit row dated next month lands in next month's partition", async (t) => {
    const { rows } = await client.query(`
      INSERT INTO api_audit_logs (created_at, operation, method, url)
      VALUES (date_trunc('month', now()) + interval '1 month' + interval '2 days', 'create_bill', 'POST', '/bills')
      RETURNING tableoid::regclass::text AS partition, to_char(created_at AT TIME ZONE 'UTC', 'YYYY_MM') AS month`);
    t.equal(rows[0].partition, `api_audit_logs_${rows[0].month}`);
    const far = await client.query(`
      INSERT INTO api_audit_logs (created_at, operation, method, url)
      VALUES (now() + interval '5 years', 'x', 'GET', '/') RETURNING tableoid::regclass::text AS partition`);
    t.equal(far.rows[0].partition, "api_audit_logs_default", "rows beyond the prepared months are never refused");
  });

  t.test("create_audit_partitions is idempotent and creates months ahead", async (t) => {
    const created = await client.query("SELECT create_audit_partitions(6) AS n");
    // Months 4..6, and the month of the row five years ahead that DEFAULT held (moved into it).
    t.equal(created.rows[0].n, 4, "months 4..6 and the DEFAULT row's month are new; 0..3 exist since the migration");
    const again = await client.query("SELECT create_audit_partitions(6) AS n");
    t.equal(again.rows[0].n, 0);
  });

  t.test("pgcrypto round-trips a token and the stored column holds no plaintext", async (t) => {
    const token = "1000.refresh.supersecretvalue";
    const key = "k".repeat(40);
    await client.query(
      "INSERT INTO zoho_tokens (organization_id, refresh_token_enc) VALUES ('123', pgp_sym_encrypt($1, $2))",
      [token, key],
    );
    const raw = await client.query("SELECT refresh_token_enc FROM zoho_tokens WHERE organization_id = '123'");
    const bytes = raw.rows[0].refresh_token_enc as Buffer;
    t.notOk(bytes.includes(Buffer.from(token)), "ciphertext does not contain the token");
    t.notOk(bytes.toString("hex").includes(Buffer.from(token).toString("hex")));
    const dec = await client.query("SELECT pgp_sym_decrypt(refresh_token_enc, $1) AS t FROM zoho_tokens", [key]);
    t.equal(dec.rows[0].t, token);
    await t.rejects(
      client.query("SELECT pgp_sym_decrypt(refresh_token_enc, 'wrong-key') FROM zoho_tokens"),
      /Wrong key/,
    );
  });
});
