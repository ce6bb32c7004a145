/**
 * lib/mappings against the migrated schema: lookups in one query per kind, the currency cache never
 * overwriting an operator's pin, refusals before any change, and the grants each process role has.
 */
import pg from "pg";
import t from "tap";
import { loadOpsConfig } from "../../config.ts";
import { createDb } from "../../db.ts";
import { DB_ROLES, type DbRole } from "../../db-roles.ts";
import { setupTestEnv } from "../../testing/harness.ts";
import { cacheZohoCurrencies, deleteMapping, listMappings, lookupMappings, upsertMapping } from "../mappings.ts";

const env = await setupTestEnv(t);
const db = await createDb(loadOpsConfig(env.env));
t.teardown(() => db.end());
const operator = { actor: "carol", reason: "setup", channel: "cli" as const };

t.test("lookup answers only mapped keys, per kind", async (t) => {
  await upsertMapping(db, { kind: "account", netsuiteKey: "58", zohoId: "460000000000900" }, operator);
  await upsertMapping(db, { kind: "item", netsuiteKey: "58", zohoId: "460000000054135" }, operator);
  t.same(await lookupMappings(db, "account", ["58", "58", "59"]), new Map([["58", "460000000000900"]]));
  t.same(await lookupMappings(db, "item", ["58"]), new Map([["58", "460000000054135"]]));
  t.same(await lookupMappings(db, "tax", []), new Map());
});

t.test("the currency cache fills from Zoho but never overwrites an operator's pin", async (t) => {
  await upsertMapping(db, { kind: "currency", netsuiteKey: "GBP", zohoId: "111" }, operator);
  await cacheZohoCurrencies(db, [
    { code: "EUR", zohoId: "460000000000100", name: "Euro" },
    { code: "GBP", zohoId: "460000000000101" },
    { code: "bad", zohoId: "1" },
  ]);
  t.same(
    await lookupMappings(db, "currency", ["EUR", "GBP", "bad"]),
    new Map([
      ["EUR", "460000000000100"],
      ["GBP", "111"],
    ]),
  );
  await cacheZohoCurrencies(db, [{ code: "EUR", zohoId: "460000000000777" }]);
  t.equal((await lookupMappings(db, "currency", ["EUR"])).get("EUR"), "460000000000777", "Zoho's own rows refresh");
  const rows = await listMappings(db, { kind: "currency" });
  t.same(
    rows.map((r) => [r.netsuite_key, r.source, r.updated_by]),
    [
      ["EUR", "zoho", "worker"],
      ["GBP", "operator", "carol"],
    ],
  );
});

t.test("bad input is refused before any change", async (t) => {
  const before = await listMappings(db);
  await t.rejects(upsertMapping(db, { kind: "account", netsuiteKey: " ", zohoId: "1" }, operator), /netsuiteKey/);
  await t.rejects(upsertMapping(db, { kind: "vendor", netsuiteKey: "A", zohoId: "1e9" }, operator), /numeric string/);
  await t.rejects(upsertMapping(db, { kind: "account", netsuiteKey: "A", zohoId: "1" }, { ...operator, reason: "" }));
  await t.rejects(deleteMapping(db, "account", "nope", operator), /no account mapping for nope/);
  t.same(await listMappings(db), before);
});

t.test("grants: delivery reads and caches, on-call manages, ingest sees nothing", async (t) => {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const as = async (role: DbRole, text: string) => {
    await client.query("BEGIN");
    try {
      await client.query(`SET LOCAL ROLE ${DB_ROLES[role]}`);
      await client.query(text);
      return "ok";
    } catch (err) {
      return (err as { code?: string }).code ?? String(err);
    } finally {
      await client.query("ROLLBACK");
    }
  };
  const insert = `INSERT INTO zoho_mappings (kind, netsuite_key, zoho_id, source, updated_by) VALUES ('currency', 'CHF', '9', 'zoho', 'w')`;
  t.equal(await as("delivery", "SELECT * FROM zoho_mappings"), "ok");
  t.equal(await as("delivery", insert), "ok");
  t.equal(await as("delivery", "DELETE FROM zoho_mappings"), "42501");
  t.equal(await as("oncall", "DELETE FROM zoho_mappings WHERE kind = 'account'"), "ok");
  t.equal(await as("ingest", "SELECT * FROM zoho_mappings"), "42501");
  t.equal(await as("delivery", "UPDATE transactions SET zoho_total = 1, total_difference = 0 WHERE false"), "ok");
});
