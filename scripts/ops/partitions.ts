/**
 * api_audit_logs partition maintenance, `bill-mw-ops partitions` (the logic is
 * lib/operations/partitions.ts): keep months ahead created, and detach (and optionally drop)
 * months older than the retention. Dry run unless --execute.
 *
 *   node scripts/ops/partitions.ts list [--json]
 *   node scripts/ops/partitions.ts ensure [--months-ahead 3]
 *   node scripts/ops/partitions.ts prune [--retention-months N] [--drop] [--execute] --reason "why" [--by who]
 *
 * prune keeps the current month and the N-1 before it (N = AUDIT_RETENTION_MONTHS, default 13).
 * A detached month stays as a standalone table (pg_dump it for the archive) until --drop.
 */
import { parseArgs } from "node:util";
import { ensurePartitions, listPartitions, prunePartitions } from "../../lib/operations/partitions.ts";
import { main, type OpsContext, operatorFrom, printJson, printTable, withContext } from "./cli.ts";

export async function partitionsCommand(ctx: OpsContext, argv: readonly string[], out = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      "months-ahead": { type: "string", default: "3" },
      "retention-months": { type: "string" },
      drop: { type: "boolean", default: false },
      execute: { type: "boolean", default: false },
      reason: { type: "string" },
      by: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  switch (positionals[0]) {
    case "list": {
      const parts = await listPartitions(ctx.db);
      if (values.json) printJson(parts, out);
      else printTable(parts, ["name", "month", "rows", "bytes"], out);
      return 0;
    }
    case "ensure": {
      const created = await ensurePartitions(ctx.db, Number(values["months-ahead"]));
      out(`created ${created} partitions`);
      return 0;
    }
    case "prune": {
      const retentionMonths = Number(values["retention-months"] ?? ctx.config.AUDIT_RETENTION_MONTHS);
      const operator = values.execute ? operatorFrom(values) : undefined;
      const result = await prunePartitions(ctx.db, {
        retentionMonths,
        execute: values.execute,
        drop: values.drop,
        operator,
      });
      if (values.json) printJson(result, out);
      else {
        const verb = values.drop ? "detach and drop" : "detach";
        out(
          `${result.executed ? "did" : "would"} ${verb} ${result.candidates.length} partitions older than ${result.cutoff}`,
        );
        printTable(result.candidates, ["name", "rows", "bytes"], out);
        if (!result.executed) out("dry run: add --execute --reason '...' to do it");
      }
      if (result.defaultRows > 0) {
        out(`warning: ${result.defaultRows} rows sit in api_audit_logs_default: run \`partitions.ts ensure\` sooner`);
      }
      return 0;
    }
    default:
      out("usage: partitions.ts list|ensure|prune [options]");
      return 2;
  }
}

if (import.meta.main) await main(withContext(partitionsCommand));
