/**
 * The one "who may see a transaction" rule, in both forms: mayReadTransaction for a row in hand and
 * readableBy for SQL (batch reads) agree on every combination of row owner and key.
 */
import t from "tap";
import { z } from "zod";
import { createDb, sql } from "../../../lib/db.ts";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import { type KeyIdentity, mayReadTransaction, readableBy } from "../../src/auth/transaction-access.ts";

const owners = [
  { api_key_name: "acme-2026", api_key_group: "acme" },
  { api_key_name: "acme-2026", api_key_group: null }, // written before api_key_group existed
  { api_key_name: "acme", api_key_group: null }, // an old key whose name became the group
  { api_key_name: null, api_key_group: null },
];
const keys: KeyIdentity[] = [
  { name: "acme-2026", group: "acme" },
  { name: "acme-2027", group: "acme" },
  { name: "acme-2026", group: "acme-2026" },
  { name: "globex", group: "globex" },
];
const expected = [
  [true, true, false, false],
  [true, false, true, false],
  [true, true, false, false],
  [false, false, false, false],
];

t.test("the TypeScript and SQL forms of the rule give the same answers", async (t) => {
  const env = await setupTestEnv(t);
  const db = await createDb({ DATABASE_URL: env.databaseUrl, DATABASE_POOL_SIZE: 1 });
  t.teardown(() => db.end());
  for (const [i, row] of owners.entries()) {
    for (const [j, key] of keys.entries()) {
      const what = `row ${JSON.stringify(row)} / key ${key.name} (${key.group})`;
      t.equal(mayReadTransaction(row, key), expected[i]?.[j], `ts: ${what}`);
      const inSql = await db.oneFirst(sql.type(z.object({ ok: z.boolean() }))`
        SELECT coalesce(bool_or(${readableBy(key)}), false) AS ok
        FROM (SELECT ${row.api_key_name}::text AS api_key_name, ${row.api_key_group}::text AS api_key_group) AS transactions`);
      t.equal(inSql, expected[i]?.[j], `sql: ${what}`);
    }
  }
  t.equal(mayReadTransaction(owners[0] as (typeof owners)[0], undefined), false, "no key, no read");
});
