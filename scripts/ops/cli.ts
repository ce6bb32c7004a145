/**
 * What the ops commands share: the one `main` (exit codes), config and connections, the
 * operator's identity, and output as a table for people or JSON (--json) for scripts and the
 * runbook tests. Each command file is a thin shell: parse arguments, call lib/, print.
 */
import { userInfo } from "node:os";
import { SQSClient } from "@aws-sdk/client-sqs";
import { observeCommands } from "../../lib/aws.ts";
import { loadOpsConfig, type OpsConfig } from "../../lib/config.ts";
import { createDb, type DatabasePool } from "../../lib/db.ts";
import { OperationError } from "../../lib/operations/operation-error.ts";
import type { Operator } from "../../lib/operations/operator-actions.ts";

export interface OpsContext {
  readonly config: OpsConfig;
  readonly db: DatabasePool;
  readonly sqs: SQSClient;
  close(): Promise<void>;
}

export async function openContext(config: OpsConfig = loadOpsConfig()): Promise<OpsContext> {
  const db = await createDb(config);
  const sqs = observeCommands(new SQSClient({ region: config.AWS_REGION }));
  return {
    config,
    db,
    sqs,
    async close() {
      sqs.destroy();
      await db.end();
    },
  };
}

export function requireSetting(value: string | undefined, name: string): string {
  if (!value) throw new OperationError("ERR_CONFIG", `${name} must be set for this command`);
  return value;
}

/** Who and why for a change: --by defaults to the login name, --reason is always required. */
export function operatorFrom(values: { by?: string | undefined; reason?: string | undefined }): Operator {
  if (!values.reason?.trim())
    throw new OperationError("ERR_REASON", "--reason is required: say why (operator_actions keeps it)");
  return { actor: values.by?.trim() || userInfo().username, reason: values.reason, channel: "cli" };
}

export function parseDate(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new OperationError("ERR_DATE", `${name}: not a date: ${value}`);
  return d;
}

const iso = (v: unknown) => (typeof v === "number" && v > 1e12 ? new Date(v).toISOString() : v);

/** Prints rows as aligned columns; long cells are cut so one row stays one line. */
export function printTable(rows: readonly object[], columns: readonly string[], out = console.log) {
  if (rows.length === 0) {
    out("(none)");
    return;
  }
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? "-" : String(iso(v));
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  };
  const widths = columns.map((c) =>
    Math.max(c.length, ...rows.map((r) => cell((r as Record<string, unknown>)[c]).length)),
  );
  out(columns.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "));
  for (const r of rows)
    out(columns.map((c, i) => cell((r as Record<string, unknown>)[c]).padEnd(widths[i] ?? 0)).join("  "));
}

export const printJson = (value: unknown, out = console.log) =>
  out(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v), 2));

/** A command: its arguments in, its exit code out (0 done, 2 bad input, 3 partly refused). */
export type Command = (argv: readonly string[], out?: (line: string) => void) => Promise<number>;
/** A command that needs the database and SQS. */
export type ContextCommand = (
  ctx: OpsContext,
  argv: readonly string[],
  out?: (line: string) => void,
) => Promise<number>;

/** Opens the connections for one run of `command` and closes them afterwards. */
export function withContext(command: ContextCommand): Command {
  return async (argv, out) => {
    const ctx = await openContext();
    try {
      return await command(ctx, argv, out);
    } finally {
      await ctx.close();
    }
  };
}

/** Operator mistakes: a refused operation, bad settings, or arguments parseArgs rejects. */
function isOperatorMistake(err: unknown): err is Error {
  if (err instanceof OperationError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return err.name === "ConfigError" || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"));
}

/**
 * The one main of every ops command (`if (import.meta.main) await main(...)`): operator
 * mistakes print one line and exit 2; anything else prints the error and exits 1.
 */
export async function main(command: Command, argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  try {
    process.exitCode = await command(argv);
  } catch (err) {
    if (isOperatorMistake(err)) {
      console.error(`error: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  }
}
