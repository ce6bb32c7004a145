/**
 * DLQ redrive from the shell, `bill-mw-ops dlq-redrive` (the logic is lib/operations/dlq-redrive.ts):
 * moves bill messages from the dead-letter queue back to the bills queue and gives their rows a
 * fresh retry budget. Dry run by default.
 *
 *   node scripts/ops/dlq-redrive.ts                                   # dry run: what would happen to each message
 *   node scripts/ops/dlq-redrive.ts --execute [--max 500] [--reason "Zoho outage over, INC-42"] [--by alice]
 *
 * Executed redrives are recorded in operator_actions. Exit codes: 0 done, 2 bad input.
 */
import { parseArgs } from "node:util";
import { type DlqRedriveAction, redriveDlq } from "../../lib/operations/dlq-redrive.ts";
import { main, type OpsContext, requireSetting, withContext } from "./cli.ts";

async function dlqRedriveCommand(ctx: OpsContext, argv: readonly string[], out = console.log): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      execute: { type: "boolean", default: false },
      max: { type: "string", default: "1000" },
      reason: { type: "string" },
      by: { type: "string" },
    },
  });
  const items = await redriveDlq(
    {
      db: ctx.db,
      sqs: ctx.sqs,
      queueUrl: requireSetting(ctx.config.QUEUE_URL, "QUEUE_URL"),
      dlqUrl: requireSetting(ctx.config.DLQ_URL, "DLQ_URL"),
    },
    { execute: values.execute, max: Number(values.max), actor: values.by, reason: values.reason },
  );
  for (const i of items) {
    out(
      `${values.execute ? "" : "[dry run] "}${i.action.padEnd(16)} ${i.transactionId ?? "-"}  message ${i.messageId}` +
        (i.failureReason ? `  (${i.failureReason})` : ""),
    );
  }
  const count = (a: DlqRedriveAction) => items.filter((i) => i.action === a).length;
  out(
    `${items.length} DLQ messages: ${count("redrive")} to redrive, ${count("drop-delivered")} already delivered, ` +
      `${count("drop-resolved")} resolved, ${count("keep-unreadable") + count("keep-no-row")} left in the DLQ` +
      (values.execute ? "" : ". Dry run: nothing changed; add --execute to move them."),
  );
  return 0;
}

if (import.meta.main) await main(withContext(dlqRedriveCommand));
