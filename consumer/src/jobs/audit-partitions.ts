/**
 * Scheduled job: audit partitions maintain themselves (lib/partitions.ts). Creates the months
 * ahead, moves rows out of DEFAULT into their months, prunes beyond retention (archived to S3 when
 * AUDIT_ARCHIVE_BUCKET is set). AuditDefaultPartitionRows is what DEFAULT held when the round
 * started: above 0 means months ahead ran out before this round (alarm: runbooks/audit-default-partition.md).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { DatabasePool } from "slonik";
import type { Logger } from "../../../lib/logger.ts";
import type { Metrics } from "../../../lib/metrics.ts";
import { maintainAuditPartitions } from "../../../lib/partitions.ts";
import type { Job } from "./runner.ts";

export interface AuditPartitionsJobDeps {
  readonly db: DatabasePool;
  readonly s3: S3Client;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly intervalMs: number;
  readonly monthsAhead: number;
  readonly retentionMonths: number;
  readonly archiveBucket?: string;
  readonly kmsKeyId?: string;
  /** The clock (tests move it). */
  readonly now?: () => Date;
}

export function auditPartitionsJob(d: AuditPartitionsJobDeps): Job {
  return {
    name: "audit-partitions",
    intervalMs: d.intervalMs,
    async run() {
      const r = await maintainAuditPartitions(d.db, {
        monthsAhead: d.monthsAhead,
        retentionMonths: d.retentionMonths,
        now: d.now?.() ?? new Date(),
        ...(d.archiveBucket ? { archive: { s3: d.s3, bucket: d.archiveBucket, kmsKeyId: d.kmsKeyId } } : {}),
      });
      d.metrics.record("AuditDefaultPartitionRows", r.defaultRowsBefore, "Count");
      d.metrics.record("AuditPartitionsPruned", r.dropped.length, "Count");
      if (r.defaultRowsBefore > 0) {
        d.log.warn(
          { defaultRows: r.defaultRowsBefore, created: r.created },
          "api_audit_logs_default held rows; moved them into their months",
        );
      }
      if (r.created > 0 || r.dropped.length > 0) {
        d.log.info({ created: r.created, cutoff: r.cutoff, dropped: r.dropped }, "audit partitions maintained");
      }
    },
  };
}
