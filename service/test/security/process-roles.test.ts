/**
 * The service runs on its database roles (docs/security.md, "Database logins per process"):
 * DATABASE_URL logs in as a member of bill_mw_ingest and ADMIN_DATABASE_URL as a member of
 * bill_mw_oncall, and ingest, status reads and the admin API's retry (which writes an operator
 * action) all work; the ingest pool cannot read what the admin pool can.
 */
import pg from "pg";
import t from "tap";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";
import { DB_ROLES } from "../../../lib/db-roles.ts";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import { seedBill } from "../../../lib/testing/seed.ts";
import { API_KEY, API_KEYS, billBody, build, pdf, post } from "../helper.ts";
import { ADMIN_API_KEYS, adminHeaders } from "../routes/admin/keys.ts";

const env = await setupTestEnv(t, { API_KEYS });
const admin = new pg.Client({ connectionString: env.databaseUrl });
await admin.connect();
t.teardown(() => admin.end());

/** A login role of this test file that holds `role`'s grants; dropped at the end. */
async function loginAs(role: "ingest" | "oncall"): Promise<string> {
  const name = `${env.id}_${role}`;
  await admin.query(`CREATE ROLE ${name} LOGIN IN ROLE ${DB_ROLES[role]}`);
  t.teardown(() => admin.query(`DROP ROLE IF EXISTS ${name}`));
  const u = new URL(env.databaseUrl);
  u.username = name;
  return u.toString();
}

const who = sql.type(z.object({ u: z.string() }))`SELECT session_user AS u`;

t.test("ingest, status and the admin API on their own roles", async (t) => {
  const overrides = {
    DATABASE_URL: await loginAs("ingest"),
    ADMIN_DATABASE_URL: await loginAs("oncall"),
    ADMIN_API_KEYS,
  };
  const { app } = await build(t, overrides, { env: { ...env, env: { ...env.env, ...overrides } } });
  t.equal(await app.db.oneFirst(who), `${env.id}_ingest`);
  t.equal(await app.adminDb.oneFirst(who), `${env.id}_oncall`);

  const accepted = await post(app, billBody(pdf(1024)));
  t.equal(accepted.statusCode, 202, accepted.body);
  const status = await app.inject({
    method: "GET",
    url: `/api/v1/transactions/${accepted.json().transactionId}`,
    headers: { "x-api-key": API_KEY },
  });
  t.equal(status.statusCode, 200);

  const failed = await seedBill(app.db, { status: "failed" }); // the ingest role may insert rows
  const retry = await app.inject({
    method: "POST",
    url: "/admin/v1/errors/retry",
    headers: adminHeaders,
    payload: { ids: [failed], operator: "alice", reason: "vendor fixed" },
  });
  t.equal(retry.statusCode, 200, retry.body);
  const actions = await app.inject({ method: "GET", url: "/admin/v1/operator-actions", headers: adminHeaders });
  t.equal(actions.json().items.length, 1, "the on-call role wrote the operator action");
  await t.rejects(app.db.any(sql.unsafe`SELECT * FROM operator_actions`), { code: "42501" }, "ingest: 42501");
});
