/**
 * Every ```sql block of every runbook runs, statement by statement and in order, against a fresh
 * database migrated like production (lib/testing/harness.ts), with a few bills in it. A renamed
 * column, a dropped table or a typo in a runbook fails here, not at 3 a.m.
 */
import pg from "pg";
import t from "tap";
import { createDb } from "../../lib/db.ts";
import { setupTestEnv } from "../../lib/testing/harness.ts";
import { seedBill, seedZohoCall } from "../../lib/testing/seed.ts";
import { allBlocks, sqlStatements } from "./markdown.ts";

const env = await setupTestEnv(t);
const db = await createDb({ DATABASE_URL: env.databaseUrl });
const failed = await seedBill(db, { status: "failed" });
await seedZohoCall(db, failed, { statusCode: 400, zohoCode: 1002, message: "Vendor does not exist." });
await seedBill(db, { status: "success" });
await seedBill(db, { status: "pending", ageMs: 3_600_000 });
await db.end();

const client = new pg.Client({ connectionString: env.databaseUrl });
await client.connect();
t.teardown(() => client.end());

const sqlBlocks = (await allBlocks()).filter((b) => b.lang === "sql");

t.ok(sqlBlocks.length >= 20, `the runbooks carry ${sqlBlocks.length} SQL blocks`);

for (const block of sqlBlocks) {
  t.test(`${block.file}:${block.line} runs against the migrated schema`, async (t) => {
    const statements = sqlStatements(block.body);
    t.ok(statements.length > 0, "the block has statements");
    for (const statement of statements) {
      const ran = await client.query(statement).then(
        () => null,
        (err: Error) => err.message,
      );
      t.equal(ran, null, statement.split("\n")[0]);
    }
  });
}

t.test("a broken runbook query is caught (the check itself works)", async (t) => {
  const [bad] = sqlStatements("SELECT no_such_column FROM transactions;");
  await t.rejects(client.query(bad ?? ""), /no_such_column/);
  t.throws(() => sqlStatements("SELECT :'missing';"), /not \\set/);
});
