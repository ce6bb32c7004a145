/**
 * Mappings from the shell, `bill-mw-ops mappings` (the admin API offers the same through lib/mappings):
 *
 *   node scripts/ops/mappings.ts list   [--kind vendor|account|item|tax|currency] [--json]
 *   node scripts/ops/mappings.ts set    <kind> <netsuite-key> <zoho-id> [--name "NetSuite name"] --reason "why" [--by who] [--json]
 *   node scripts/ops/mappings.ts delete <kind> <netsuite-key> --reason "why" [--by who]
 *
 * <netsuite-key> is the NetSuite internal id (a vendor may also be keyed by the name NetSuite sends;
 * a currency by its ISO code). A bill that failed naming an unmapped value is delivered by setting the
 * mapping and retrying it (`bill-mw-ops failed-bills retry <id> --reason ...`). Every set and delete
 * is recorded in operator_actions. Exit codes: 0 done, 1 unexpected failure, 2 bad input.
 */
import { parseArgs } from "node:util";
import {
  deleteMapping,
  listMappings,
  MAPPING_KINDS,
  type MappingKind,
  upsertMapping,
} from "../../lib/mappings/mappings.ts";
import { OperationError } from "../../lib/operations/operation-error.ts";
import { main, type OpsContext, operatorFrom, printJson, printTable, withContext } from "./cli.ts";

const USAGE = "usage: mappings list|set|delete [options] (see the header of scripts/ops/mappings.ts)";

const OPTIONS = {
  kind: { type: "string" },
  name: { type: "string" },
  reason: { type: "string" },
  by: { type: "string" },
  json: { type: "boolean", default: false },
} as const;

function kindOf(value: string | undefined): MappingKind {
  if (!value || !MAPPING_KINDS.includes(value as MappingKind)) {
    throw new OperationError("ERR_KIND", `kind is one of ${MAPPING_KINDS.join(", ")}`);
  }
  return value as MappingKind;
}

const COLUMNS = ["kind", "netsuite_key", "zoho_id", "netsuite_name", "source", "updated_by", "updated_at"];

export async function mappingsCommand(
  ctx: OpsContext,
  argv: readonly string[],
  out: (line: string) => void = console.log,
) {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  const [name, kind, key, zohoId] = positionals;
  if (name === "list") {
    const rows = await listMappings(ctx.db, { kind: values.kind === undefined ? undefined : kindOf(values.kind) });
    if (values.json) printJson(rows, out);
    else printTable(rows, COLUMNS, out);
    return 0;
  }
  if (name === "set") {
    if (!key || !zohoId) throw new OperationError("ERR_USAGE", USAGE);
    const saved = await upsertMapping(
      ctx.db,
      { kind: kindOf(kind), netsuiteKey: key, zohoId, netsuiteName: values.name },
      operatorFrom(values),
    );
    if (values.json) printJson(saved, out);
    else out(`${saved.kind} ${saved.netsuite_key} -> ${saved.zoho_id}`);
    return 0;
  }
  if (name === "delete") {
    if (!key) throw new OperationError("ERR_USAGE", USAGE);
    const gone = await deleteMapping(ctx.db, kindOf(kind), key, operatorFrom(values));
    out(`deleted ${gone.kind} ${gone.netsuite_key} (was ${gone.zoho_id})`);
    return 0;
  }
  throw new OperationError("ERR_USAGE", USAGE);
}

if (import.meta.main) await main(withContext(mappingsCommand));
