/**
 * Mappings (docs/glossary.md): a NetSuite vendor, account, item or tax code -> its Zoho Books id, and
 * the currency cache (ISO 4217 code -> Zoho currency_id). Operators manage the first four (admin API,
 * `bill-mw-ops mappings`, the console); the worker reads them before it builds a bill and fills the
 * currency cache itself from Zoho (GET /settings/currencies), unless an operator pinned a currency.
 * Plain functions over one table (migrations/1767000000000_create-zoho-mappings.ts); every operator
 * change writes an operator action in the same database transaction.
 */
import type { CommonQueryMethods, DatabasePool } from "slonik";
import { z } from "zod";
import { sql } from "../db.ts";
import { OperationError } from "../operations/operation-error.ts";
import { type Operator, recordOperatorAction } from "../operations/operator-actions.ts";
import { epoch, noRows } from "../operations/rows.ts";

export const MAPPING_KINDS = ["vendor", "account", "item", "tax", "currency"] as const;
export type MappingKind = (typeof MAPPING_KINDS)[number];

export const Mapping = z.object({
  kind: z.enum(MAPPING_KINDS),
  /** The NetSuite internal id (vendor: the id or the vendor's name as NetSuite sends it; currency: the ISO code). */
  netsuite_key: z.string(),
  zoho_id: z.string(),
  netsuite_name: z.string().nullable(),
  /** operator: set by a person; zoho: cached by the worker from Zoho's own list. */
  source: z.enum(["operator", "zoho"]),
  updated_by: z.string(),
  created_at: epoch,
  updated_at: epoch,
});
export type Mapping = z.infer<typeof Mapping>;

/** What an operator sets: the values are checked here, so the admin API and the CLI refuse the same input. */
export const MappingInput = z.object({
  kind: z.enum(MAPPING_KINDS),
  netsuiteKey: z.string().trim().min(1).max(200),
  /** Zoho ids are long numeric strings (keep them strings: as numbers they lose precision). */
  zohoId: z.string().regex(/^[0-9]{1,30}$/, "a Zoho id is a numeric string"),
  netsuiteName: z.string().trim().min(1).max(200).optional(),
});
export type MappingInput = z.infer<typeof MappingInput>;

const CURRENCY_CODE = /^[A-Z]{3}$/;

/** A readable refusal (400) instead of zod's issue list. */
function parseInput(input: unknown): MappingInput {
  const parsed = MappingInput.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new OperationError("ERR_BAD_MAPPING", `${first?.path.join(".") || "mapping"}: ${first?.message}`);
  }
  if (parsed.data.kind === "currency" && !CURRENCY_CODE.test(parsed.data.netsuiteKey)) {
    throw new OperationError("ERR_BAD_MAPPING", "a currency mapping's key is an ISO 4217 code such as EUR");
  }
  return parsed.data;
}

const rowType = sql.type(Mapping);
const columns = sql.fragment`kind, netsuite_key, zoho_id, netsuite_name, source, updated_by, created_at, updated_at`;

/** Mappings, by kind then key; all kinds when none is given. */
export function listMappings(
  db: CommonQueryMethods,
  opts: { kind?: MappingKind | undefined; limit?: number | undefined } = {},
): Promise<readonly Mapping[]> {
  const limit = Math.min(Math.max(opts.limit ?? 1000, 1), 10_000);
  const filter = opts.kind ? sql.fragment`WHERE kind = ${opts.kind}` : sql.fragment``;
  return db.any(rowType`SELECT ${columns} FROM zoho_mappings ${filter} ORDER BY kind, netsuite_key LIMIT ${limit}`);
}

/** Creates or replaces one mapping and records who did it and why. */
export async function upsertMapping(db: DatabasePool, input: unknown, operator: Operator): Promise<Mapping> {
  const m = parseInput(input);
  return db.transaction(async (tx) => {
    const before = await tx.maybeOne(
      rowType`SELECT ${columns} FROM zoho_mappings WHERE kind = ${m.kind} AND netsuite_key = ${m.netsuiteKey}`,
    );
    const saved = await tx.one(rowType`
      INSERT INTO zoho_mappings (kind, netsuite_key, zoho_id, netsuite_name, source, updated_by)
      VALUES (${m.kind}, ${m.netsuiteKey}, ${m.zohoId}, ${m.netsuiteName ?? null}, 'operator', ${operator.actor})
      ON CONFLICT (kind, netsuite_key) DO UPDATE
        SET zoho_id = EXCLUDED.zoho_id, netsuite_name = COALESCE(EXCLUDED.netsuite_name, zoho_mappings.netsuite_name),
            source = 'operator', updated_by = EXCLUDED.updated_by, updated_at = now()
      RETURNING ${columns}`);
    await recordOperatorAction(tx, operator, "mapping-set", [], {
      kind: m.kind,
      netsuiteKey: m.netsuiteKey,
      zohoId: m.zohoId,
      previousZohoId: before?.zoho_id ?? null,
    });
    return saved;
  });
}

/** Removes one mapping (bills that need it fail again, naming it); 404 when there is none. */
export async function deleteMapping(
  db: DatabasePool,
  kind: MappingKind,
  netsuiteKey: string,
  operator: Operator,
): Promise<Mapping> {
  if (!MAPPING_KINDS.includes(kind)) throw new OperationError("ERR_BAD_MAPPING", `unknown mapping kind: ${kind}`);
  return db.transaction(async (tx) => {
    const gone = await tx.maybeOne(
      rowType`DELETE FROM zoho_mappings WHERE kind = ${kind} AND netsuite_key = ${netsuiteKey} RETURNING ${columns}`,
    );
    if (!gone) throw new OperationError("ERR_NOT_FOUND", `no ${kind} mapping for ${netsuiteKey}`, 404);
    await recordOperatorAction(tx, operator, "mapping-delete", [], { kind, netsuiteKey, zohoId: gone.zoho_id });
    return gone;
  });
}

/** The Zoho ids of the given keys of one kind (keys without a mapping are absent). One query. */
export async function lookupMappings(
  db: CommonQueryMethods,
  kind: MappingKind,
  keys: readonly string[],
): Promise<Map<string, string>> {
  const distinct = [...new Set(keys)];
  if (distinct.length === 0) return new Map();
  const rows = await db.any(sql.type(z.object({ netsuite_key: z.string(), zoho_id: z.string() }))`
    SELECT netsuite_key, zoho_id FROM zoho_mappings
    WHERE kind = ${kind} AND netsuite_key = ANY(${sql.array(distinct, "text")})`);
  return new Map(rows.map((r) => [r.netsuite_key, r.zoho_id]));
}

/**
 * Caches Zoho's currency ids (the worker, after GET /settings/currencies). Never overwrites a
 * currency an operator pinned.
 */
export async function cacheZohoCurrencies(
  db: CommonQueryMethods,
  currencies: readonly { code: string; zohoId: string; name?: string | undefined }[],
): Promise<void> {
  const valid = currencies.filter((c) => CURRENCY_CODE.test(c.code) && /^[0-9]{1,30}$/.test(c.zohoId));
  if (valid.length === 0) return;
  await db.query(noRows`
    INSERT INTO zoho_mappings (kind, netsuite_key, zoho_id, netsuite_name, source, updated_by)
    SELECT 'currency', code, zoho_id, name, 'zoho', 'worker'
    FROM ${sql.unnest(
      valid.map((c) => [c.code, c.zohoId, c.name ?? null]),
      ["text", "text", "text"],
    )} AS c(code, zoho_id, name)
    ON CONFLICT (kind, netsuite_key) DO UPDATE
      SET zoho_id = EXCLUDED.zoho_id, netsuite_name = EXCLUDED.netsuite_name, updated_at = now()
      WHERE zoho_mappings.source = 'zoho'`);
}
