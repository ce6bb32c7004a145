/**
 * Failed bills from the shell, `bill-mw-ops failed-bills` (the admin API offers the same through
 * lib/operations/):
 *
 *   node scripts/ops/failed-bills.ts list    [--state open|resolved|all] [--from ISO] [--to ISO] [--netsuite-bill-id ID] [--limit N] [--json]
 *   node scripts/ops/failed-bills.ts show    <transaction-id> [--json]
 *   node scripts/ops/failed-bills.ts retry   <id> [<id>...] --reason "why" [--by who] [--fix '{"details":{"vendorId":"..."}}'] [--json]
 *   node scripts/ops/failed-bills.ts retry   --all-open [--from ISO] [--to ISO] --reason "why" [--by who] [--yes]
 *   node scripts/ops/failed-bills.ts resolve <id> [<id>...] --reason "why" [--by who] [--json]
 *   node scripts/ops/failed-bills.ts dlq     [--max N] [--json]
 *   node scripts/ops/failed-bills.ts history [<transaction-id>] [--limit N] [--json]
 *
 * Every retry and resolve is recorded in operator_actions (who, what, why, when, which ids).
 * Exit codes: 0 done, 1 unexpected failure, 2 bad input, 3 some ids were skipped.
 */
import { parseArgs } from "node:util";
import { peekDlq } from "../../lib/dlq.ts";
import { ERROR_STATES, getBillErrorDetail, listFailedBills } from "../../lib/operations/failed-bills.ts";
import { OperationError } from "../../lib/operations/operation-error.ts";
import { listOperatorActions } from "../../lib/operations/operator-actions.ts";
import { resolveFailedBills } from "../../lib/operations/resolve.ts";
import { retryFailedBills } from "../../lib/operations/retry.ts";
import {
  main,
  type OpsContext,
  operatorFrom,
  parseDate,
  printJson,
  printTable,
  requireSetting,
  withContext,
} from "./cli.ts";

const USAGE =
  "usage: failed-bills list|show|retry|resolve|dlq|history [options] (see the header of scripts/ops/failed-bills.ts)";

const OPTIONS = {
  state: { type: "string", default: "open" },
  from: { type: "string" },
  to: { type: "string" },
  "netsuite-bill-id": { type: "string" },
  limit: { type: "string", default: "100" },
  max: { type: "string", default: "100" },
  reason: { type: "string" },
  by: { type: "string" },
  fix: { type: "string" },
  "all-open": { type: "boolean", default: false },
  yes: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
} as const;

/** One parsed command line, as every subcommand reads it. */
interface Args {
  readonly values: ReturnType<typeof parseOptions>["values"];
  readonly ids: readonly string[];
  readonly state: (typeof ERROR_STATES)[number];
  readonly range: { readonly from: Date | undefined; readonly to: Date | undefined };
}
type Out = (line: string) => void;
type Subcommand = (ctx: OpsContext, args: Args, out: Out) => Promise<number>;

const parseOptions = (argv: readonly string[]) =>
  parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });

export async function failedBillsCommand(ctx: OpsContext, argv: readonly string[], out: Out = console.log) {
  const { values, positionals } = parseOptions(argv);
  const [name, ...ids] = positionals;
  const state = values.state as (typeof ERROR_STATES)[number];
  if (!ERROR_STATES.includes(state))
    throw new OperationError("ERR_STATE", `--state is one of ${ERROR_STATES.join(", ")}`);
  const range = { from: parseDate(values.from, "--from"), to: parseDate(values.to, "--to") };
  const subcommand = name !== undefined && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!subcommand) throw new OperationError("ERR_USAGE", USAGE);
  return subcommand(ctx, { values, ids, state, range }, out);
}

const LIST_COLUMNS = [
  "id",
  "netsuite_bill_id",
  "created_at",
  "error_message",
  "zoho_status_code",
  "zoho_code",
  "zoho_message",
  "resolved_by",
];

const list: Subcommand = async (ctx, { values, state, range }, out) => {
  const rows = await listFailedBills(ctx.db, {
    state,
    ...range,
    netsuiteBillId: values["netsuite-bill-id"],
    limit: Number(values.limit),
  });
  if (values.json) printJson(rows, out);
  else printTable(rows, LIST_COLUMNS, out);
  return 0;
};

const show: Subcommand = async (ctx, { values, ids }, out) => {
  const detail = await getBillErrorDetail(ctx.db, one(ids));
  if (values.json) printJson(detail, out);
  else {
    printJson(detail.transaction, out);
    out("\nZoho calls (api_audit_logs):");
    printTable(detail.zohoCalls, ["created_at", "operation", "status_code", "zoho_code", "duration_ms", "error"], out);
    out("\nOperator actions:");
    printTable(detail.actions, ["created_at", "actor", "action", "reason"], out);
  }
  return 0;
};

const retry: Subcommand = async (ctx, { values, ids, range }, out) => {
  const operator = operatorFrom(values);
  let targets = ids;
  if (values["all-open"]) {
    if (ids.length > 0) throw new OperationError("ERR_ARGS", "give ids or --all-open, not both");
    const open = await listFailedBills(ctx.db, { state: "open", ...range, limit: 500 });
    targets = open.map((r) => r.id);
    if (!values.yes) {
      out(`would retry ${targets.length} open failures; add --yes to do it`);
      return 0;
    }
  }
  const fix = values.fix === undefined ? undefined : parseJson(values.fix);
  const result = await retryFailedBills(
    {
      db: ctx.db,
      sqs: ctx.sqs,
      queueUrl: requireSetting(ctx.config.QUEUE_URL, "QUEUE_URL"),
      dlqUrl: ctx.config.DLQ_URL,
    },
    { ids: targets, operator, billFix: fix },
  );
  report(result, values.json, out);
  return result.skipped.length > 0 || result.sendFailed.length > 0 ? 3 : 0;
};

const resolve: Subcommand = async (ctx, { values, ids }, out) => {
  const dlqUrl = ctx.config.DLQ_URL;
  const result = await resolveFailedBills(
    ctx.db,
    { ids, operator: operatorFrom(values) },
    dlqUrl ? { sqs: ctx.sqs, dlqUrl } : undefined,
  );
  if (values.json) printJson(result, out);
  else {
    out(`resolved ${result.resolved.length} (operator_actions #${result.actionId ?? "-"})`);
    for (const s of result.skipped) out(`skipped ${s.id}: ${s.reason}`);
    if (result.removedFromDlq > 0) out(`removed ${result.removedFromDlq} copies from the DLQ`);
  }
  return result.skipped.length > 0 ? 3 : 0;
};

const dlq: Subcommand = async (ctx, { values }, out) => {
  const entries = await peekDlq(ctx.sqs, requireSetting(ctx.config.DLQ_URL, "DLQ_URL"), Number(values.max));
  if (values.json) printJson(entries, out);
  else printTable(entries, ["messageId", "transactionId", "netsuiteBillId", "receiveCount", "sentAt"], out);
  return 0;
};

const history: Subcommand = async (ctx, { values, ids }, out) => {
  const rows = await listOperatorActions(ctx.db, { transactionId: ids[0], limit: Number(values.limit) });
  if (values.json) printJson(rows, out);
  else printTable(rows, ["id", "created_at", "actor", "action", "channel", "reason", "transaction_ids"], out);
  return 0;
};

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = { list, show, retry, resolve, dlq, history };

function one(ids: readonly string[]): string {
  if (ids.length !== 1 || !ids[0]) throw new OperationError("ERR_ARGS", "give exactly one transaction id");
  return ids[0];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new OperationError("ERR_FIX_JSON", "--fix is not valid JSON");
  }
}

function report(result: Awaited<ReturnType<typeof retryFailedBills>>, json: boolean, out: Out) {
  if (json) return printJson(result, out);
  out(`retried ${result.requeued.length} (operator_actions #${result.actionId ?? "-"})`);
  for (const r of result.requeued) out(`  ${r.id} -> message ${r.messageId}`);
  for (const s of result.skipped) out(`skipped ${s.id}: ${s.reason}`);
  for (const f of result.sendFailed) out(`send failed ${f.id}: ${f.error} (left pending: the sweeper re-enqueues it)`);
  if (result.removedFromDlq > 0) out(`removed ${result.removedFromDlq} stale copies from the DLQ`);
}

if (import.meta.main) await main(withContext(failedBillsCommand));
