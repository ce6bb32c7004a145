/**
 * slow-database.md claims the (status, created_at) query uses transactions_status_created_at.
 * Checked with the runbook's own EXPLAIN on a table of 200,000 rows in a realistic mix (mostly
 * delivered, a few pending and failed), statistics analyzed, as production looks after a month.
 */
import pg from "pg";
import t from "tap";
import { setupTestEnv } from "../../lib/testing/harness.ts";
import { allBlocks, sqlStatements } from "./markdown.ts";

const ROWS = 200_000;
const env = await setupTestEnv(t);
const client = new pg.Client({ connectionString: env.databaseUrl });
await client.connect();
t.teardown(() => client.end());

await client.query(`
  INSERT INTO transactions (netsuite_bill_id, file_name, file_size, content_sha256, s3_bucket, s3_key,
                            status, created_at, completed_at)
  SELECT 'NS-' || i, 'bill.pdf', 1024 + i % 5000, md5(i::text) || md5((i + 1)::text), 'incoming', 'bills/' || i,
         CASE WHEN i % 100 = 0 THEN 'pending' WHEN i % 50 = 1 THEN 'failed' ELSE 'success' END,
         now() - make_interval(secs => (i % (90 * 86400))::double precision),
         now() - make_interval(secs => (i % (90 * 86400))::double precision)
  FROM generate_series(1, ${ROWS}) AS s(i)`);
await client.query("ANALYZE transactions");

const claims = (await allBlocks()).filter((b) => b.lang === "sql" && b.marker?.startsWith("claim: uses index "));

t.test("the runbooks make index claims", async (t) => {
  t.ok(claims.some((c) => c.file === "slow-database.md" && c.marker?.endsWith("transactions_status_created_at")));
  const { rows } = await client.query("SELECT count(*)::int AS n FROM transactions");
  t.ok(rows[0].n >= ROWS, `${rows[0].n} rows`);
});

for (const claim of claims) {
  const index = claim.marker?.replace("claim: uses index ", "") ?? "";
  t.test(`${claim.file}:${claim.line} uses ${index} on ${ROWS} rows`, async (t) => {
    for (const statement of sqlStatements(claim.body)) {
      const plan = (await client.query(statement)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      t.match(plan, new RegExp(`Index (Only )?Scan using ${index}\\b`), plan);
      t.notMatch(plan, /Seq Scan on transactions/);
    }
  });
}

t.test("without the index the same query scans the table (the check can fail)", async (t) => {
  const claim = claims.find((c) => c.file === "slow-database.md");
  const [statement] = sqlStatements(claim?.body ?? "");
  await client.query("BEGIN");
  try {
    await client.query("DROP INDEX transactions_status_created_at");
    const plan = (await client.query(statement ?? "")).rows.map((r) => r["QUERY PLAN"]).join("\n");
    t.notMatch(plan, /transactions_status_created_at/);
  } finally {
    await client.query("ROLLBACK");
  }
});
