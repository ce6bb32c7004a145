/**
 * Retry one stuck transaction (`bill-mw-ops retry-stuck`): reset it to pending and enqueue it
 * again, whatever stalled it (failed, a lost message leaving it pending, a worker that died while
 * it was processing). Delivered bills are refused; the worker never delivers twice anyway.
 *
 *   node scripts/ops/retry-stuck.ts <transaction-id> --reason "why" [--by who] [--stale-minutes 15] [--json]
 *
 * Recorded in operator_actions. Exit codes: 0 retried, 2 bad input, 3 refused (the reason is printed).
 */
import { parseArgs } from "node:util";
import { OperationError } from "../../lib/operations/operation-error.ts";
import { retryStuckTransaction } from "../../lib/operations/retry.ts";
import { main, type OpsContext, operatorFrom, printJson, requireSetting, withContext } from "./cli.ts";

export async function retryStuckCommand(ctx: OpsContext, argv: readonly string[], out = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      reason: { type: "string" },
      by: { type: "string" },
      "stale-minutes": { type: "string", default: "15" },
      json: { type: "boolean", default: false },
    },
  });
  const [id] = positionals;
  if (!id || positionals.length !== 1) throw new OperationError("ERR_ARGS", "give exactly one transaction id");
  const result = await retryStuckTransaction(
    {
      db: ctx.db,
      sqs: ctx.sqs,
      queueUrl: requireSetting(ctx.config.QUEUE_URL, "QUEUE_URL"),
      dlqUrl: ctx.config.DLQ_URL,
    },
    { id, operator: operatorFrom(values), staleAfterMs: Number(values["stale-minutes"]) * 60_000 },
  );
  if (values.json) printJson(result, out);
  else {
    for (const r of result.requeued)
      out(`retried ${r.id} -> message ${r.messageId} (operator_actions #${result.actionId})`);
    for (const s of result.skipped) out(`refused ${s.id}: ${s.reason}`);
    for (const f of result.sendFailed)
      out(`send failed ${f.id}: ${f.error} (left pending: the sweeper re-enqueues it)`);
  }
  return result.requeued.length === 1 ? 0 : 3;
}

if (import.meta.main) await main(withContext(retryStuckCommand));
