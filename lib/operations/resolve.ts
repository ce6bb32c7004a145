/**
 * Resolve: an operator closes failed bills without delivering them (fixed by hand in Zoho,
 * duplicate, cancelled), with who and why.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DatabasePool } from "slonik";
import { z } from "zod";
import { sql } from "../db.ts";
import { removeFromDlq } from "../dlq.ts";
import { distinctTransactionIds } from "./operation-error.ts";
import { Operator, recordOperatorAction } from "./operator-actions.ts";
import { epoch, noRows } from "./rows.ts";

export interface ResolveResult {
  readonly actionId: number | null;
  readonly resolved: readonly string[];
  readonly skipped: readonly { id: string; reason: string }[];
  readonly removedFromDlq: number;
}

const ResolveRow = z.object({ id: z.string(), status: z.string(), resolved_at: epoch.nullable() });

/**
 * Mark failed bills resolved: no further delivery is wanted. With `dlq`, their DLQ copies are
 * deleted too, so a later DLQ redrive cannot revive them.
 */
export async function resolveFailedBills(
  db: DatabasePool,
  input: { ids: readonly string[]; operator: Operator },
  dlq?: { sqs: SQSClient; dlqUrl: string },
): Promise<ResolveResult> {
  const ids = distinctTransactionIds(input.ids);
  const op = Operator.parse(input.operator);
  const result = await db.transaction(async (tx) => {
    const found = await tx.any(sql.type(ResolveRow)`
      SELECT id, status, resolved_at FROM transactions WHERE id = ANY(${sql.array(ids, "uuid")}) FOR UPDATE`);
    const skipped = ids.filter((id) => !found.some((r) => r.id === id)).map((id) => ({ id, reason: "not found" }));
    const resolved: string[] = [];
    for (const r of found) {
      if (r.status !== "failed")
        skipped.push({ id: r.id, reason: `status is ${r.status}, only failed bills are resolved` });
      else if (r.resolved_at !== null) skipped.push({ id: r.id, reason: "already resolved" });
      else resolved.push(r.id);
    }
    if (resolved.length === 0) return { actionId: null, resolved, skipped };
    await tx.query(noRows`
      UPDATE transactions SET resolved_at = now(), resolved_by = ${op.actor}, resolution_note = ${op.reason}
      WHERE id = ANY(${sql.array(resolved, "uuid")})`);
    const actionId = await recordOperatorAction(tx, op, "resolve", resolved, { skipped });
    return { actionId, resolved, skipped };
  });
  const removedFromDlq =
    dlq && result.resolved.length > 0
      ? await removeFromDlq(dlq.sqs, dlq.dlqUrl, new Set(result.resolved)).catch(() => 0)
      : 0;
  return { ...result, removedFromDlq };
}
