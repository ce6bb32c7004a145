/**
 * What the ops commands share: config, connections, the operator's identity, and output as a
 * table for people or JSON (--json) for scripts and the runbook tests.
 */
import { userInfo } from "node:os";
import { SQSClient } from "@aws-sdk/client-sqs";
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
  const sqs = new SQSClient({ region: config.AWS_REGION });
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
  if (!values.reason?.trim()) throw new OperationError("ERR_REASON", "--reason is required: say why, for the audit");
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

/** Runs a command's main: operator mistakes print one line and exit 2; anything else exits 1. */
export async function run(main: () => Promise<number | undefined>): Promise<void> {
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (err) {
    if (err instanceof OperationError || (err as Error).name === "ConfigError") {
      console.error(`error: ${(err as Error).message}`);
      process.exitCode = 2;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  }
}
