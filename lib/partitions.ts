/**
 * api_audit_logs partition maintenance on top of the SQL functions of migration
 * 1765000000000_audit-partition-maintenance: create the months ahead (emptying DEFAULT into its
 * months first), then prune months beyond retention (detach, archive to S3 when a bucket is given,
 * drop). Called by the worker's scheduled job (consumer/src/jobs/audit-partitions.ts) and usable
 * by the on-call command. Every step is idempotent, and a run that dies half-way is finished by
 * the next one (detached months are found again by audit_detached_partitions()).
 */
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { CommonQueryMethods, DatabasePool } from "slonik";
import { z } from "zod";
import { sql } from "./db.ts";

const gzipAsync = promisify(gzip);

/** Rows per archived object (one gzip NDJSON object each): bounded memory for any month size. */
const ARCHIVE_PAGE_ROWS = 5_000;

export interface ArchiveTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix. @default "audit-archive/" */
  readonly prefix?: string;
  readonly kmsKeyId?: string;
}

export interface MaintenanceOptions {
  /** Months created ahead of the current one. */
  readonly monthsAhead: number;
  /** Months kept: the current one and the retentionMonths-1 before it. */
  readonly retentionMonths: number;
  /** Archive detached months here before dropping them; without it they are dropped unarchived. */
  readonly archive?: ArchiveTarget;
  /** The clock (tests move it). @default new Date() */
  readonly now?: Date;
}

export interface MaintenanceResult {
  /** Rows DEFAULT held when the run started: above 0 means months ahead ran out (alarm). */
  readonly defaultRowsBefore: number;
  readonly defaultRowsAfter: number;
  readonly created: number;
  readonly cutoff: string;
  readonly dropped: readonly { name: string; rows: number; archivedObjects: number }[];
}

const count = z.object({ n: z.coerce.number() });
const name = z.object({ name: z.string() });

export const defaultPartitionRows = (db: CommonQueryMethods) =>
  db.oneFirst(sql.type(count)`SELECT count(*) AS n FROM api_audit_logs_default`);

/** Creates this month and monthsAhead more; any month with rows in DEFAULT gets its partition first. */
export const ensureAuditPartitions = (db: CommonQueryMethods, monthsAhead: number, now = new Date()) =>
  db.oneFirst(sql.type(z.object({ created: z.number() }))`
    SELECT create_audit_partitions(${monthsAhead}, ${now.toISOString()}::timestamptz) AS created`);

/** First day (UTC, YYYY-MM-DD) of the oldest month kept. */
export function cutoffMonth(now: Date, retentionMonths: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (retentionMonths - 1), 1));
  return d.toISOString().slice(0, 10);
}

const monthOf = (part: string) => `${part.slice(-7).replace("_", "-")}-01`;

/**
 * Detaches months before the cutoff; returns them with any such month a crashed run left detached.
 * A newer month someone detached by hand is not touched.
 */
async function detachBefore(db: DatabasePool, cutoff: string): Promise<readonly string[]> {
  const all = await db.transaction(async (tx) => {
    await tx.query(sql.type(z.object({}))`SET LOCAL lock_timeout = '10s'`);
    await tx.any(sql.type(name)`SELECT detach_audit_partitions_before(${cutoff}::date) AS name`);
    return tx.anyFirst(sql.type(name)`SELECT audit_detached_partitions() AS name`);
  });
  return all.filter((part) => monthOf(part) < cutoff);
}

/** Copies a detached month to S3 as gzip NDJSON pages, by id; returns the objects written. */
async function archivePartition(db: CommonQueryMethods, part: string, target: ArchiveTarget): Promise<number> {
  const page = z.object({ id: z.coerce.number(), line: z.string() });
  let after = -1;
  let objects = 0;
  for (;;) {
    const rows = await db.any(sql.type(page)`
      SELECT t.id, row_to_json(t)::text AS line FROM ${sql.identifier([part])} t
      WHERE t.id > ${after} ORDER BY t.id LIMIT ${ARCHIVE_PAGE_ROWS}`);
    if (rows.length === 0) return objects;
    objects++;
    await target.s3.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: `${target.prefix ?? "audit-archive/"}${part}/part-${String(objects).padStart(5, "0")}.ndjson.gz`,
        Body: await gzipAsync(`${rows.map((r) => r.line).join("\n")}\n`),
        ContentType: "application/x-ndjson",
        ContentEncoding: "gzip",
        ...(target.kmsKeyId ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: target.kmsKeyId } : {}),
      }),
    );
    after = rows.at(-1)?.id ?? after;
  }
}

/** Detaches months beyond retention, archives them (when a target is given), then drops them. */
async function pruneAuditPartitions(
  db: DatabasePool,
  retentionMonths: number,
  archive?: ArchiveTarget,
  now = new Date(),
): Promise<{ cutoff: string; dropped: MaintenanceResult["dropped"] }> {
  const cutoff = cutoffMonth(now, retentionMonths);
  const dropped: { name: string; rows: number; archivedObjects: number }[] = [];
  for (const part of await detachBefore(db, cutoff)) {
    const rows = await db.oneFirst(sql.type(count)`SELECT count(*) AS n FROM ${sql.identifier([part])}`);
    const archivedObjects = archive ? await archivePartition(db, part, archive) : 0;
    await db.query(sql.type(z.object({}))`SELECT drop_detached_audit_partition(${part})`);
    dropped.push({ name: part, rows, archivedObjects });
  }
  return { cutoff, dropped };
}

/** One maintenance round: ensure ahead (emptying DEFAULT), then prune. */
export async function maintainAuditPartitions(db: DatabasePool, o: MaintenanceOptions): Promise<MaintenanceResult> {
  const now = o.now ?? new Date();
  const defaultRowsBefore = await defaultPartitionRows(db);
  const created = await db.transaction(async (tx) => {
    await tx.query(sql.type(z.object({}))`SET LOCAL lock_timeout = '10s'`);
    return ensureAuditPartitions(tx, o.monthsAhead, now);
  });
  const { cutoff, dropped } = await pruneAuditPartitions(db, o.retentionMonths, o.archive, now);
  return { defaultRowsBefore, defaultRowsAfter: await defaultPartitionRows(db), created, cutoff, dropped };
}
