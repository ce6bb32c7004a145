/**
 * Audit partitions over 14 months of moved clock, through the real SQL functions
 * (migration 1765000000000) and lib/partitions.ts: rows end in their own month, DEFAULT is empty,
 * retention holds, and pruned months are archived to S3 before they are dropped.
 */
import { gunzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { DatabasePool } from "slonik";
import t from "tap";
import { z } from "zod";
import { createDb, sql } from "../db.ts";
import { cutoffMonth, defaultPartitionRows, ensureAuditPartitions, maintainAuditPartitions } from "../partitions.ts";
import { setupTestEnv } from "../testing/harness.ts";

const RETENTION = 13;
const AHEAD = 3;

const monthsLater = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 15, 12));
const monthName = (d: Date) => `api_audit_logs_${d.toISOString().slice(0, 7).replace("-", "_")}`;

async function insertAuditRow(db: DatabasePool, at: Date, operation: string): Promise<void> {
  await db.query(sql.type(z.object({}))`
    INSERT INTO api_audit_logs (created_at, operation, method, url)
    VALUES (${at.toISOString()}::timestamptz, ${operation}, 'GET', 'https://books.example/api/v3/bills')`);
}

const partitionNames = (db: DatabasePool) =>
  db.anyFirst(sql.type(z.object({ name: z.string() }))`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'api_audit_logs'::regclass AND c.relname <> 'api_audit_logs_default' ORDER BY 1`);

t.test("a row beyond the created months lands in DEFAULT, and ensure moves it into its own month", async (t) => {
  const env = await setupTestEnv(t);
  const db = await createDb({ DATABASE_URL: env.databaseUrl });
  t.teardown(() => db.end());
  const now = new Date();
  await insertAuditRow(db, monthsLater(now, 5), "ahead");
  t.equal(await defaultPartitionRows(db), 1, "five months ahead: no partition yet, DEFAULT holds it");
  // Before migration 1765000000000 this failed: "updated partition constraint for default
  // partition would be violated by some row".
  t.ok((await ensureAuditPartitions(db, 6, now)) >= 1);
  t.equal(await defaultPartitionRows(db), 0, "DEFAULT is empty");
  const where = await db.oneFirst(sql.type(z.object({ part: z.string() }))`
    SELECT tableoid::regclass::text AS part FROM api_audit_logs WHERE operation = 'ahead'`);
  t.equal(where, monthName(monthsLater(now, 5)), "the row is in its month's partition");
});

t.test("14 months of moved clock: own months, empty DEFAULT, retention kept, pruned months archived", async (t) => {
  const env = await setupTestEnv(t);
  const db = await createDb({ DATABASE_URL: env.databaseUrl });
  t.teardown(() => db.end());
  const archive = { s3: env.s3, bucket: env.incomingBucket, prefix: "audit-archive/" };
  const start = monthsLater(new Date(), 0);
  // Last year's rows, as if the system had run for a year before this test.
  for (let k = -13; k < 0; k++) await insertAuditRow(db, monthsLater(start, k), `history-${k}`);
  let end = start;
  for (let k = 0; k <= 14; k++) {
    end = monthsLater(start, k);
    await insertAuditRow(db, end, `month-${k}`);
    await insertAuditRow(db, monthsLater(end, 5), `ahead-${k}`); // a clock skewed 5 months ahead
    // Months 6 to 9 the job does not run (a broken deploy): rows pile up in DEFAULT meanwhile.
    if (k >= 6 && k <= 9) continue;
    const r = await maintainAuditPartitions(db, { monthsAhead: AHEAD, retentionMonths: RETENTION, archive, now: end });
    t.equal(r.defaultRowsAfter, 0, `month +${k}: DEFAULT empty after the run`);
    if (k === 10)
      t.ok(r.defaultRowsBefore > 0, `month +10: the run found ${r.defaultRowsBefore} rows in DEFAULT (alarm)`);
  }

  const misplaced = await db.anyFirst(sql.type(z.object({ operation: z.string() }))`
    SELECT operation FROM api_audit_logs
    WHERE tableoid::regclass::text <> 'api_audit_logs_' || to_char(created_at AT TIME ZONE 'UTC', 'YYYY_MM')`);
  t.same(misplaced, [], "every row sits in its own month's partition");
  t.equal(await defaultPartitionRows(db), 0, "DEFAULT is empty");

  const names = await partitionNames(db);
  const cutoff = cutoffMonth(end, RETENTION);
  t.equal(names[0], monthName(new Date(`${cutoff}T00:00:00Z`)), `the oldest month kept is the cutoff (${cutoff})`);
  t.ok(names.includes(monthName(monthsLater(end, AHEAD))), "the months ahead exist");
  t.ok(names.includes(monthName(monthsLater(end, 5))), "and the skewed clock's month, made for its row");
  const kept = await db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    SELECT count(*) AS n FROM api_audit_logs WHERE created_at < ${cutoff}::timestamptz`);
  t.equal(kept, 0, "no row older than the retention is left");
  const detached = await db.anyFirst(
    sql.type(z.object({ name: z.string() }))`SELECT audit_detached_partitions() AS name`,
  );
  t.same(detached, [], "nothing is left detached");

  // 13 history months + months 0..1 fell out of the retention window: 15 months, 1 row each.
  const listed = await env.s3.send(new ListObjectsV2Command({ Bucket: env.incomingBucket, Prefix: "audit-archive/" }));
  const keys = (listed.Contents ?? []).map((o) => o.Key ?? "");
  t.equal(keys.length, 15, "one archive object per pruned month");
  const first = keys.sort()[0] ?? "";
  const body = await env.s3.send(new GetObjectCommand({ Bucket: env.incomingBucket, Key: first }));
  const lines = gunzipSync(Buffer.from(await body.Body!.transformToByteArray()))
    .toString("utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { operation: string; created_at: string });
  t.equal(lines.length, 1);
  t.equal(lines[0]?.operation, "history--13", "the archive holds the month's rows as JSON lines");
});
