/**
 * DLQ redrive (on-call, `bill-mw-ops dlq-redrive`): moves bill messages from the dead-letter
 * queue back to the bills queue and gives their rows a fresh retry budget (status pending,
 * retry_count 0). Dry run unless `execute`.
 *
 * Receive -> send -> delete through lib/dlq.ts (SQS's StartMessageMoveTask would do the move on
 * AWS, but moto lacks it, and this way each row is reset before its message goes back). A message
 * for a delivered bill is dropped from the DLQ (the worker would skip it anyway); one for a bill
 * an operator resolved is dropped too; an unreadable one, or one without a row, stays. Executed
 * redrives are recorded in operator_actions.
 */
import { userInfo } from "node:os";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DatabasePool } from "slonik";
import { z } from "zod";
import type { BillMessage } from "../bill.ts";
import { sql } from "../db.ts";
import { type DlqMessage, eachDlqMessage, redriveMessage } from "../dlq.ts";
import { markEnqueued, resetForRedrive } from "../transactions.ts";
import { recordOperatorAction } from "./operator-actions.ts";
import { epoch } from "./rows.ts";

const DLQ_REDRIVE_ACTIONS = ["redrive", "drop-delivered", "drop-resolved", "keep-unreadable", "keep-no-row"] as const;
export type DlqRedriveAction = (typeof DLQ_REDRIVE_ACTIONS)[number];

export interface DlqRedriveItem {
  readonly messageId: string;
  readonly transactionId: string | null;
  readonly action: DlqRedriveAction;
  /** Why the worker dead-lettered it (the failureReason attribute), when it said. */
  readonly failureReason: string | null;
}

export interface DlqRedriveOptions {
  readonly execute: boolean;
  /** Messages to look at, at most. @default 1000 */
  readonly max?: number;
  readonly actor?: string;
  readonly reason?: string;
}

export interface DlqRedriveDeps {
  readonly db: DatabasePool;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly dlqUrl: string;
}

const RowState = z.object({ status: z.string(), resolved_at: epoch.nullable() });

async function decide(db: DatabasePool, bill: BillMessage | null): Promise<DlqRedriveAction> {
  if (!bill) return "keep-unreadable";
  const row = await db.maybeOne(sql.type(RowState)`
    SELECT status, resolved_at FROM transactions WHERE id = ${bill.transactionId}`);
  if (!row) return "keep-no-row";
  if (row.status === "success") return "drop-delivered";
  if (row.resolved_at !== null) return "drop-resolved";
  return "redrive";
}

const kept = (action: DlqRedriveAction) => action === "keep-unreadable" || action === "keep-no-row";

export async function redriveDlq(deps: DlqRedriveDeps, opts: DlqRedriveOptions): Promise<DlqRedriveItem[]> {
  const items: DlqRedriveItem[] = [];
  const visit = async (m: DlqMessage) => {
    const action = await decide(deps.db, m.bill);
    const failureReason = m.attributes.failureReason?.StringValue ?? null;
    items.push({ messageId: m.entry.messageId, transactionId: m.bill?.transactionId ?? null, action, failureReason });
    // A dry run hands everything back at the end; so does a real run for what it keeps.
    if (!opts.execute || kept(action)) return "release";
    if (action === "redrive" && m.bill) {
      await resetForRedrive(deps.db, m.bill.transactionId);
      await redriveMessage(deps.sqs, deps.queueUrl, m.bill);
      await markEnqueued(deps.db, m.bill.transactionId);
    }
    return "delete";
  };
  // Hidden while this run looks at them (120 s: a row reset per message).
  await eachDlqMessage(deps.sqs, deps.dlqUrl, { max: opts.max ?? 1000, holdS: 120 }, visit);
  if (opts.execute && items.some((i) => !kept(i.action))) {
    const redriven = items.flatMap((i) => (i.action === "redrive" && i.transactionId ? [i.transactionId] : []));
    await recordOperatorAction(
      deps.db,
      { actor: opts.actor ?? userInfo().username, reason: opts.reason ?? "DLQ redrive", channel: "script" },
      "dlq-redrive",
      [...new Set(redriven)],
      { items: items.map(({ messageId, transactionId, action }) => ({ messageId, transactionId, action })) },
    );
  }
  return items;
}
