/**
 * Delivered bills whose Zoho total differs from NetSuite's (lib/operations/total-differences.ts):
 * exactly those rows are listed and counted, and both statements are served by the partial index
 * of migration 1768000000000 (if the query's predicate drifts from the index's, PostgreSQL can no
 * longer use it and idx_scan stays put even with sequential scans switched off).
 */
import pg from "pg";
import t from "tap";
import { createDb } from "../db.ts";
import { countTotalDifferences, listTotalDifferences } from "../operations/total-differences.ts";
import { setupTestEnv } from "../testing/harness.ts";

const env = await setupTestEnv(t);
const admin = new pg.Client({ connectionString: env.databaseUrl });
await admin.connect();
t.teardown(() => admin.end());
const dbName = new URL(env.databaseUrl).pathname.slice(1);
// New sessions of the pool below plan without sequential scans: only an index can serve them.
await admin.query(`ALTER DATABASE "${dbName}" SET enable_seqscan = off`);
const db = await createDb({ DATABASE_URL: env.databaseUrl });
t.teardown(() => db.end());

const insert = (id: string, status: string, difference: string | null) =>
  admin.query(
    `INSERT INTO transactions (netsuite_bill_id, file_name, mime_type, file_size, content_sha256, s3_bucket, s3_key,
       status, zoho_total, total_difference, completed_at)
     VALUES ($1, 'a.pdf', 'application/pdf', 10, repeat('a', 64), 'b', $1, $2, 100, $3, now())`,
    [id, status, difference],
  );
await insert("NS-DIFF", "success", "-0.5000");
await insert("NS-EQUAL", "success", "0.0000");
await insert("NS-NO-TOTAL", "success", null);
await insert("NS-FAILED", "failed", "1.0000");

async function indexScans(): Promise<number> {
  const r = await admin.query(
    "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'transactions_total_differences'",
  );
  return Number(r.rows[0]?.idx_scan ?? -1);
}

t.test("only delivered bills with a nonzero difference, through the partial index", async (t) => {
  const before = await indexScans();
  t.ok(before >= 0, "the index exists");
  const rows = await listTotalDifferences(db);
  t.same(
    rows.map((r) => [r.netsuite_bill_id, r.total_difference]),
    [["NS-DIFF", "-0.5000"]],
  );
  t.equal(await countTotalDifferences(db), 1);
  // Statistics reach pg_stat_user_indexes when the pool's sessions flush them (at most ~1 s later).
  let after = before;
  for (let i = 0; i < 50 && after < before + 2; i++) {
    await new Promise((r) => setTimeout(r, 100));
    after = await indexScans();
  }
  t.ok(after >= before + 2, `list and count each scanned the index (idx_scan ${before} -> ${after})`);
});
