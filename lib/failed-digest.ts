/**
 * The daily digest of failed bills for finance: bills that failed for good in a time range and are
 * not resolved, with their reasons grouped, published to an SNS topic (finance subscribes by
 * e-mail). Built by the worker's scheduled job (consumer/src/jobs/failed-digest.ts); the same
 * functions serve an on-call command.
 */
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { sql } from "./db.ts";

/** Bills listed one by one in a digest; the rest are counted (SNS messages stop at 256 KB). */
export const DIGEST_MAX_LISTED = 200;

const DigestRow = z.object({
  id: z.string(),
  netsuite_bill_id: z.string(),
  error_message: z.string().nullable(),
  retry_count: z.number(),
  completed_at: z.coerce.string(),
});
export type DigestRow = z.infer<typeof DigestRow>;

export interface FailedDigest {
  readonly from: Date;
  readonly to: Date;
  readonly total: number;
  /** Reasons, most frequent first (the text before the first ":" groups "gave up after N attempts: ..."). */
  readonly reasons: readonly { reason: string; count: number }[];
  readonly bills: readonly DigestRow[];
}

/** Failed, unresolved bills whose failure happened in [from, to). */
export async function buildFailedDigest(db: CommonQueryMethods, from: Date, to: Date): Promise<FailedDigest> {
  const window = sql.fragment`status = 'failed' AND resolved_at IS NULL
    AND completed_at >= ${from.toISOString()}::timestamptz AND completed_at < ${to.toISOString()}::timestamptz`;
  const total = await db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    SELECT count(*) AS n FROM transactions WHERE ${window}`);
  const reasons = await db.any(sql.type(z.object({ reason: z.string(), count: z.coerce.number() }))`
    SELECT coalesce(left(error_message, 200), '(no reason recorded)') AS reason, count(*) AS count
    FROM transactions WHERE ${window} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`);
  const bills = await db.any(sql.type(DigestRow)`
    SELECT id, netsuite_bill_id, error_message, retry_count, to_char(completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') AS completed_at
    FROM transactions WHERE ${window} ORDER BY completed_at LIMIT ${DIGEST_MAX_LISTED}`);
  return { from, to, total, reasons, bills };
}

/** Failed and not resolved, whenever it failed: the row count behind the FailedBillsOpen metric. */
export const countOpenFailedBills = (db: CommonQueryMethods) =>
  db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    SELECT count(*) AS n FROM transactions WHERE status = 'failed' AND resolved_at IS NULL`);

/** Plain text for an e-mail subscription; ids only, never bill contents. */
export function formatFailedDigest(d: FailedDigest, environment: string): { subject: string; message: string } {
  const day = (x: Date) => x.toISOString().slice(0, 16).replace("T", " ");
  const subject = `[${environment}] ${d.total} failed bill${d.total === 1 ? "" : "s"} (${day(d.from)} to ${day(d.to)} UTC)`;
  const lines = [
    `${d.total} bill(s) failed for good between ${day(d.from)} and ${day(d.to)} UTC and are not resolved.`,
    "They were not delivered to Zoho Books; NetSuite shows the reason on each bill once it syncs.",
    "Fix and retry, or resolve, in the console or with `bill-mw-ops` (runbooks/failed-bills.md).",
    "",
    "Reasons:",
    ...d.reasons.map((r) => `  ${String(r.count).padStart(5)}  ${r.reason}`),
    "",
    "Bills (NetSuite bill id, transaction id, failed at, attempts, reason):",
    ...d.bills.map(
      (b) =>
        `  ${b.netsuite_bill_id}  ${b.id}  ${b.completed_at}  ${b.retry_count}  ${(b.error_message ?? "").slice(0, 300)}`,
    ),
  ];
  if (d.total > d.bills.length) lines.push(`  ... and ${d.total - d.bills.length} more (bill-mw-ops failed list)`);
  return { subject: subject.slice(0, 100), message: `${lines.join("\n")}\n` };
}

export async function publishFailedDigest(
  sns: SNSClient,
  topicArn: string,
  d: FailedDigest,
  environment: string,
): Promise<string | undefined> {
  const { subject, message } = formatFailedDigest(d, environment);
  const out = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
  return out.MessageId;
}
