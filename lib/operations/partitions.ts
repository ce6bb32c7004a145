/**
 * api_audit_logs partition maintenance: list the monthly partitions, create months ahead, and
 * detach (optionally drop) months older than the retention, recorded as an operator action (operator_actions).
 * DETACH is plain, not CONCURRENTLY: PostgreSQL refuses CONCURRENTLY while a DEFAULT partition
 * exists, so it takes a short ACCESS EXCLUSIVE lock on api_audit_logs, bounded by lock_timeout.
 * A detached month stays as a standalone table (pg_dump it for the archive) until dropped.
 */
import type { CommonQueryMethods, DatabasePool } from "slonik";
import { z } from "zod";
import { sql } from "../db.ts";
import { cutoffMonth, ensureAuditPartitions } from "../partitions.ts";
import { type Operator, recordOperatorAction } from "./operator-actions.ts";
import { noRows } from "./rows.ts";

export const Partition = z.object({
  name: z.string(),
  bound: z.string(),
  /** First day of the month (YYYY-MM-01) for monthly partitions; null for DEFAULT. */
  month: z.string().nullable(),
  rows: z.coerce.number(),
  bytes: z.coerce.number(),
});
export type Partition = z.infer<typeof Partition>;

/** Partitions of api_audit_logs with their exact row counts (cheap: one month per partition). */
export async function listPartitions(db: CommonQueryMethods): Promise<Partition[]> {
  const parts = await db.any(sql.type(Partition.omit({ rows: true }))`
    SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound,
           CASE WHEN c.relname ~ '^api_audit_logs_\\d{4}_\\d{2}$'
                THEN to_char(to_date(right(c.relname, 7), 'YYYY_MM'), 'YYYY-MM-DD') END AS month,
           pg_total_relation_size(c.oid) AS bytes
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'api_audit_logs'::regclass
    ORDER BY c.relname`);
  const out: Partition[] = [];
  for (const p of parts) {
    const rows = await db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
      SELECT count(*) AS n FROM ${sql.identifier([p.name])}`);
    out.push({ ...p, rows });
  }
  return out;
}

/** On-call's ensure is the scheduled job's (lib/partitions.ts): rows waiting in DEFAULT get their month first. */
export const ensurePartitions = (db: CommonQueryMethods, monthsAhead: number) => ensureAuditPartitions(db, monthsAhead);

export interface PruneResult {
  readonly cutoff: string;
  readonly candidates: readonly Partition[];
  readonly executed: boolean;
  readonly dropped: boolean;
  readonly defaultRows: number;
}

export async function prunePartitions(
  db: DatabasePool,
  opts: { retentionMonths: number; execute: boolean; drop: boolean; operator?: Operator; now?: Date },
): Promise<PruneResult> {
  const cutoff = cutoffMonth(opts.now ?? new Date(), opts.retentionMonths);
  const all = await listPartitions(db);
  const candidates = all.filter((p) => p.month !== null && p.month < cutoff);
  const defaultRows = all.find((p) => p.month === null)?.rows ?? 0;
  if (opts.execute && candidates.length > 0) {
    if (!opts.operator) throw new Error("an operator (who and why) is required to prune");
    const operator = opts.operator;
    await db.transaction(async (tx) => {
      await tx.query(noRows`SET LOCAL lock_timeout = '5s'`);
      for (const p of candidates) {
        await tx.query(noRows`ALTER TABLE api_audit_logs DETACH PARTITION ${sql.identifier([p.name])}`);
        if (opts.drop) await tx.query(noRows`DROP TABLE ${sql.identifier([p.name])}`);
      }
      await recordOperatorAction(tx, operator, opts.drop ? "partition-drop" : "partition-detach", [], {
        cutoff,
        partitions: candidates.map((p) => ({ name: p.name, rows: p.rows, bytes: p.bytes })),
      });
    });
  }
  return { cutoff, candidates, executed: opts.execute, dropped: opts.execute && opts.drop, defaultRows };
}
