/**
 * DLQ replay: moves bill messages from the dead-letter queue back to the bills queue and gives
 * their rows a fresh retry budget (status pending, retry_count 0). Dry run by default.
 *
 *   node scripts/ops/dlq-replay.ts                                   # dry run: what would happen to each message
 *   node scripts/ops/dlq-replay.ts --execute [--max 500] [--reason "Zoho outage over, INC-42"] [--by alice]
 *
 * Receive -> send -> delete, one message at a time (SQS's StartMessageMoveTask would do the move
 * on AWS, but moto lacks it, and this way each row is reset before its message goes back). A
 * message for a delivered bill is dropped from the DLQ (the worker would skip it anyway); one for a
 * bill an operator resolved is dropped too; an unreadable one, or one without a row, stays. A crash
 * between send and delete leaves a duplicate message, which the worker's exactly-once checks absorb.
 * Executed replays are recorded in operator_actions.
 */
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { DatabasePool } from "slonik";
import { z } from "zod";
import { type BillMessage, readBillMessage } from "../../lib/bill.ts";
import { loadBaseConfig } from "../../lib/config.ts";
import { createDb, sql } from "../../lib/db.ts";
import { recordOperatorAction } from "../../lib/operations/operator-actions.ts";
import { sendBillMessage } from "../../lib/queue.ts";
import { markEnqueued, resetForReplay } from "../../lib/transactions.ts";

export type ReplayAction = "replay" | "drop-delivered" | "drop-resolved" | "keep-unreadable" | "keep-no-row";

export interface ReplayItem {
  readonly messageId: string;
  readonly transactionId: string | null;
  readonly action: ReplayAction;
  readonly failureReason: string | null;
}

export interface ReplayOptions {
  readonly execute: boolean;
  /** Messages to look at, at most. @default 1000 */
  readonly max?: number;
  readonly actor?: string;
  readonly reason?: string;
}

export interface ReplayDeps {
  readonly db: DatabasePool;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly dlqUrl: string;
}

const RowState = z.object({ status: z.string(), resolved_at: z.coerce.number().nullable() });

async function decide(db: DatabasePool, m: Message): Promise<{ action: ReplayAction; msg: BillMessage | null }> {
  const msg = readBillMessage(m.Body);
  if (!msg) return { action: "keep-unreadable", msg: null };
  const row = await db.maybeOne(sql.type(RowState)`
    SELECT status, resolved_at FROM transactions WHERE id = ${msg.transactionId}`);
  if (!row) return { action: "keep-no-row", msg };
  if (row.status === "success") return { action: "drop-delivered", msg };
  if (row.resolved_at !== null) return { action: "drop-resolved", msg };
  return { action: "replay", msg };
}

export async function replayDlq(deps: ReplayDeps, opts: ReplayOptions): Promise<ReplayItem[]> {
  const max = opts.max ?? 1000;
  const items: ReplayItem[] = [];
  const held: Message[] = [];
  try {
    while (items.length < max) {
      const out = await deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: deps.dlqUrl,
          MaxNumberOfMessages: Math.min(10, max - items.length),
          // Hidden while this run looks at it; a dry run hands everything back at the end.
          VisibilityTimeout: 120,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ["All"],
        }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages) {
        const { action, msg } = await decide(deps.db, m);
        items.push({
          messageId: m.MessageId ?? "",
          transactionId: msg?.transactionId ?? null,
          action,
          failureReason: m.MessageAttributes?.failureReason?.StringValue ?? null,
        });
        if (!opts.execute || action === "keep-unreadable" || action === "keep-no-row") {
          held.push(m);
          continue;
        }
        if (action === "replay" && msg) {
          await resetForReplay(deps.db, msg.transactionId);
          await sendBillMessage(deps.sqs, deps.queueUrl, msg);
          await markEnqueued(deps.db, msg.transactionId);
        }
        await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: deps.dlqUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  } finally {
    for (const m of held) {
      await deps.sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: deps.dlqUrl,
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        )
        .catch(() => {});
    }
  }
  const replayed = items.filter((i) => i.action === "replay" && i.transactionId).map((i) => i.transactionId!);
  if (opts.execute && items.some((i) => i.action !== "keep-unreadable" && i.action !== "keep-no-row")) {
    await recordOperatorAction(
      deps.db,
      { actor: opts.actor ?? userInfo().username, reason: opts.reason ?? "DLQ replay", channel: "script" },
      "dlq-replay",
      [...new Set(replayed)],
      { items: items.map(({ messageId, transactionId, action }) => ({ messageId, transactionId, action })) },
    );
  }
  return items;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      execute: { type: "boolean", default: false },
      max: { type: "string", default: "1000" },
      reason: { type: "string" },
      by: { type: "string" },
    },
  });
  const config = loadBaseConfig();
  const db = await createDb(config);
  const { SQSClient } = await import("@aws-sdk/client-sqs");
  const sqs = new SQSClient({ region: config.AWS_REGION });
  try {
    const items = await replayDlq(
      { db, sqs, queueUrl: config.QUEUE_URL, dlqUrl: config.DLQ_URL },
      { execute: values.execute, max: Number(values.max), actor: values.by, reason: values.reason },
    );
    for (const i of items) {
      console.log(
        `${values.execute ? "" : "[dry run] "}${i.action.padEnd(16)} ${i.transactionId ?? "-"}  message ${i.messageId}` +
          (i.failureReason ? `  (${i.failureReason})` : ""),
      );
    }
    const count = (a: ReplayAction) => items.filter((i) => i.action === a).length;
    console.log(
      `${items.length} DLQ messages: ${count("replay")} to replay, ${count("drop-delivered")} already delivered, ` +
        `${count("drop-resolved")} resolved, ${count("keep-unreadable") + count("keep-no-row")} left in the DLQ` +
        (values.execute ? "" : ". Dry run: nothing changed; add --execute to move them."),
    );
    return 0;
  } finally {
    sqs.destroy();
    await db.end();
  }
}

if (import.meta.main) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
