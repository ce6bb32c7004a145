/**
 * The Overview page's numbers: bills by status in the last 24 h and 7 d, delivery rate, backlog and
 * its oldest bill, open failed bills, Zoho Books calls made today (the audit log: one row per call),
 * delivered bills whose totals differ, and the DLQ's depth. Read-only; each query rides an existing
 * index (transactions (status, created_at), the partial index on failed rows, the audit log's primary
 * key on (id, created_at)) except the totals count, which reads the delivered rows (total-differences.ts).
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { TRANSACTION_STATUSES } from "../../../../lib/bill.ts";
import { sql } from "../../../../lib/db.ts";
import { epoch } from "../../../../lib/operations/rows.ts";
import { countTotalDifferences } from "../../../../lib/operations/total-differences.ts";
import { queueDepth } from "../../../../lib/queue.ts";
import { BOOKS_CALL, TODAY_UTC } from "./zoho-calls.ts";

export type Status = (typeof TRANSACTION_STATUSES)[number];

export interface Overview {
  readonly byStatus: Record<"day" | "week", Record<Status, number>>;
  /** Delivered / (delivered + failed) of the bills created in the window; null when none settled. */
  readonly deliveryRate: Record<"day" | "week", number | null>;
  readonly backlog: number;
  readonly oldestPendingAt: number | null;
  readonly failedOpen: number;
  readonly zohoCallsToday: number;
  /** Delivered bills whose Zoho total differs from NetSuite's (lib/operations/total-differences.ts). */
  readonly totalsDiffer: number;
  /** null when SQS could not be asked (the page says so instead of failing). */
  readonly dlq: number | null;
}

const StatusCount = z.object({ status: z.enum(TRANSACTION_STATUSES), day: epoch, week: epoch });
const Backlog = z.object({ n: epoch, oldest: epoch.nullable() });
const Count = z.object({ n: epoch });

const zeros = (): Record<Status, number> => ({ pending: 0, processing: 0, success: 0, failed: 0 });
const rate = (c: Record<Status, number>) => (c.success + c.failed > 0 ? c.success / (c.success + c.failed) : null);

export async function loadOverview(db: CommonQueryMethods, sqs: SQSClient, dlqUrl: string): Promise<Overview> {
  const [counts, backlog, failedOpen, zohoCallsToday, totalsDiffer, dlq] = await Promise.all([
    // One range scan of (status, created_at) per status, never a scan of the whole table.
    db.any(sql.type(StatusCount)`
      SELECT s.status,
        (SELECT count(*) FROM transactions t WHERE t.status = s.status AND t.created_at >= now() - interval '24 hours') AS day,
        (SELECT count(*) FROM transactions t WHERE t.status = s.status AND t.created_at >= now() - interval '7 days') AS week
      FROM unnest(${sql.array([...TRANSACTION_STATUSES], "text")}) AS s(status)`),
    db.one(sql.type(Backlog)`
      SELECT count(*) AS n, min(created_at) AS oldest FROM transactions WHERE status IN ('pending', 'processing')`),
    db.oneFirst(
      sql.type(Count)`SELECT count(*) AS n FROM transactions WHERE status = 'failed' AND resolved_at IS NULL`,
    ),
    db.oneFirst(
      sql.type(Count)`SELECT count(*) AS n FROM api_audit_logs WHERE created_at >= ${TODAY_UTC} AND ${BOOKS_CALL}`,
    ),
    countTotalDifferences(db),
    queueDepth(sqs, dlqUrl).then(
      (d) => d.total,
      () => null,
    ),
  ]);
  const byStatus = { day: zeros(), week: zeros() };
  for (const c of counts) {
    byStatus.day[c.status] = c.day;
    byStatus.week[c.status] = c.week;
  }
  return {
    byStatus,
    deliveryRate: { day: rate(byStatus.day), week: rate(byStatus.week) },
    backlog: backlog.n,
    oldestPendingAt: backlog.oldest,
    failedOpen,
    zohoCallsToday,
    totalsDiffer,
    dlq,
  };
}
