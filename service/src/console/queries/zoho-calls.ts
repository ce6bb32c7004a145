/**
 * Today's Zoho calls (UTC day) from the audit log, one row per call: the list behind the Overview's
 * "Zoho Books calls today". The same day boundary and filter as the Overview's count
 * (queries/overview.ts), so the list's Books total is that number. Both prune to the current
 * month's partition.
 */
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { sql } from "../../../../lib/db.ts";
import { epoch } from "../../../../lib/operations/rows.ts";

/** The start of today (UTC) as the database sees it: one clock for the count and the list. */
export const TODAY_UTC = sql.fragment`date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;

/**
 * Calls to the Books API (books.*), the ones its daily quota counts; the audit log also holds the
 * token refreshes sent to Zoho Accounts (oauth.refresh), which it does not.
 */
export const isBooksCall = (operation: string) => operation.startsWith("books.");
export const BOOKS_CALL = sql.fragment`operation LIKE 'books.%'`;

const ByOperation = z.object({ operation: z.string(), calls: epoch, refused: epoch, unanswered: epoch });
const Call = z.object({
  created_at: epoch,
  transaction_id: z.string().nullable(),
  netsuite_bill_id: z.string().nullable(),
  operation: z.string(),
  status_code: z.number().nullable(),
  zoho_code: z.number().nullable(),
  duration_ms: z.number().nullable(),
  message: z.string().nullable(),
  error: z.string().nullable(),
});
export type ZohoCall = z.infer<typeof Call>;

/** Calls per operation today: all of them, those Zoho answered 4xx/5xx, those with no answer. */
export const zohoCallsByOperation = (db: CommonQueryMethods) =>
  db.any(sql.type(ByOperation)`
    SELECT operation, count(*) AS calls,
      count(*) FILTER (WHERE status_code >= 400) AS refused,
      count(*) FILTER (WHERE status_code IS NULL) AS unanswered
    FROM api_audit_logs WHERE created_at >= ${TODAY_UTC}
    GROUP BY operation ORDER BY count(*) DESC, operation`);

/** Today's newest calls, each with its bill when it had one. */
export const recentZohoCalls = (db: CommonQueryMethods, limit: number) =>
  db.any(sql.type(Call)`
    SELECT l.created_at, l.transaction_id, t.netsuite_bill_id, l.operation, l.status_code, l.zoho_code,
      l.duration_ms, l.response->>'message' AS message, l.error
    FROM api_audit_logs l LEFT JOIN transactions t ON t.id = l.transaction_id
    WHERE l.created_at >= ${TODAY_UTC}
    ORDER BY l.created_at DESC, l.id DESC LIMIT ${limit}`);
