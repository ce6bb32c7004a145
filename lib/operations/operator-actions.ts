/**
 * Operator actions: the append-only `operator_actions` table. Every change an operator makes
 * (retry, resolve, DLQ redrive, partition drop) writes one row here, in the same database
 * transaction as the change.
 */
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { sql } from "../db.ts";
import { epoch } from "./rows.ts";

const CHANNELS = ["cli", "admin-api", "script"] as const;
export const Operator = z.object({
  /** Who: a person's name or login, never a shared account name alone. */
  actor: z.string().trim().min(1).max(200),
  /** Why: free text that the next on-call engineer can act on (ticket, vendor fixed, duplicate of ...). */
  reason: z.string().trim().min(1).max(2000),
  channel: z.enum(CHANNELS),
  /** Extra context stored with the action (e.g. the API key name that made an admin call). */
  context: z.record(z.string(), z.string()).optional(),
});
export type Operator = z.infer<typeof Operator>;

export const OperatorAction = z.object({
  id: epoch,
  created_at: epoch,
  actor: z.string(),
  action: z.string(),
  reason: z.string(),
  channel: z.string(),
  transaction_ids: z.array(z.string()),
  details: z.unknown(),
});
export type OperatorAction = z.infer<typeof OperatorAction>;

export function listOperatorActions(db: CommonQueryMethods, opts: { transactionId?: string; limit?: number } = {}) {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  const filter = opts.transactionId
    ? sql.fragment`WHERE transaction_ids @> ARRAY[${opts.transactionId}]::uuid[]`
    : sql.fragment``;
  return db.any(sql.type(OperatorAction)`
    SELECT id, created_at, actor, action, reason, channel, transaction_ids::text[] AS transaction_ids, details
    FROM operator_actions ${filter} ORDER BY id DESC LIMIT ${limit}`);
}

export async function recordOperatorAction(
  db: CommonQueryMethods,
  operator: Operator,
  action: string,
  transactionIds: readonly string[],
  details: Record<string, unknown> = {},
): Promise<number> {
  const op = Operator.parse(operator);
  return db.oneFirst(sql.type(z.object({ id: epoch }))`
    INSERT INTO operator_actions (actor, action, reason, channel, transaction_ids, details)
    VALUES (${op.actor}, ${action}, ${op.reason}, ${op.channel}, ${sql.array([...transactionIds], "uuid")},
            ${sql.jsonb({ ...details, ...(op.context ? { context: op.context } : {}) } as never)})
    RETURNING id`);
}
