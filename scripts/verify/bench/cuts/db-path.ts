/**
 * The ingest's database work per bill, four ways, on a database cloned from the migrated template:
 * CPU of this process (the driver) and of PostgreSQL (every backend, from /proc) per bill, and
 * round trips. Figures for the README's "Cuts" table.
 *   source .local/env.sh && node scripts/verify/bench/cuts/db-path.ts [--bills 2000] [--connections 16]
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { createPool, type DatabasePool } from "slonik";
import { createDb } from "../../../../lib/db.ts";
import { findByNetsuiteBillId, insertOrGetTransaction, markEnqueued } from "../../../../lib/transactions.ts";
import { round } from "../stats.ts";

const { values } = parseArgs({
  options: { bills: { type: "string", default: "2000" }, connections: { type: "string", default: "16" } },
});
const bills = Number(values.bills);
const connections = Number(values.connections);
const base = process.env.DATABASE_URL;
if (!base) throw new Error("DATABASE_URL must be set (source .local/env.sh)");
const name = `cut_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.TEST_TEMPLATE_DATABASE ?? "bills_template"}`);
const url = `${base.slice(0, base.lastIndexOf("/"))}/${name}`;

/** CPU of every PostgreSQL process, ms (100 Hz ticks). */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const f = stat.split(") ")[1]?.split(" ") ?? [];
      total += (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

const row = (id: string) => ({
  netsuiteBillId: id,
  fileName: `${id}.pdf`,
  mimeType: "application/pdf",
  fileSize: 102_400,
  sha256: randomBytes(32).toString("hex"),
  bucket: "incoming",
  key: `bills/${id}/x.pdf`,
  bill: null,
  apiKeyName: "bench",
});

async function viaSlonik(db: DatabasePool, id: string): Promise<void> {
  if (await findByNetsuiteBillId(db, id)) throw new Error("exists");
  const { row: r } = await insertOrGetTransaction(db, row(id));
  await markEnqueued(db, r.id);
}

function viaPg(pool: pg.Pool) {
  return async (id: string): Promise<void> => {
    const t = row(id);
    const found = await pool.query("SELECT * FROM transactions WHERE netsuite_bill_id = $1", [id]);
    if (found.rowCount) throw new Error("exists");
    const ins = await pool.query(
      `INSERT INTO transactions (netsuite_bill_id, file_name, mime_type, file_size, content_sha256, s3_bucket, s3_key, bill, api_key_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (netsuite_bill_id) DO NOTHING RETURNING *`,
      [t.netsuiteBillId, t.fileName, t.mimeType, t.fileSize, t.sha256, t.bucket, t.key, null, t.apiKeyName],
    );
    await pool.query(
      "UPDATE transactions SET enqueued_at = now(), enqueue_attempts = enqueue_attempts + 1 WHERE id = $1",
      [ins.rows[0].id],
    );
  };
}

async function measure(label: string, perBill: (id: string) => Promise<void>): Promise<Record<string, unknown>> {
  let next = 0;
  const prefix = `${label}-${randomBytes(3).toString("hex")}`;
  const work = () =>
    Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < bills) await perBill(`${prefix}-${next++}`);
      }),
    );
  await perBill(`${prefix}-warm`);
  const cpu0 = process.cpuUsage();
  const pg0 = postgresCpuMs();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    variant: label,
    billsPerSecond: round(bills / seconds),
    driverCpuMsPerBill: round((cpu.user + cpu.system) / 1000 / bills, 3),
    postgresCpuMsPerBill: round((postgresCpuMs() - pg0) / bills, 3),
  };
}

const results: Record<string, unknown>[] = [];
try {
  const variants: [string, () => Promise<DatabasePool>][] = [
    ["lib/db.ts createDb (row schemas checked)", () => createDb({ DATABASE_URL: url, DATABASE_POOL_SIZE: 10 })],
    ["slonik, DISCARD ALL on release (its default)", () => createPool(url, { maximumPoolSize: 10 })],
    ["slonik, no reset", () => createPool(url, { maximumPoolSize: 10, resetConnection: async () => undefined })],
  ];
  for (const [label, open] of variants) {
    const db = await open();
    results.push(await measure(label, (id) => viaSlonik(db, id)));
    await db.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  results.push(await measure("pg Pool, same three statements", viaPg(pool)));
  await pool.end();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  // slonik's pool may still hold idle clients; the forced drop ends them, which is expected here.
  process.on("uncaughtException", (err) => {
    if ((err as { code?: string }).code !== "57P01") throw err;
  });
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
console.log(JSON.stringify({ bills, connections, results }, null, 2));
