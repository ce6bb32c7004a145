/**
 * The worker runs on its database role (docs/security.md, "Database logins per process"): with
 * DATABASE_URL logging in as a member of bill_mw_delivery it seeds and reads the encrypted refresh
 * token, delivers a bill (claim, audit log, success), and keeps the audit partitions (create ahead,
 * detach, archive, drop a month past retention); operator actions stay out of its reach (42501).
 */
import pg from "pg";
import t from "tap";
import { sql } from "../../lib/db.ts";
import { DB_ROLES } from "../../lib/db-roles.ts";
import { maintainAuditPartitions } from "../../lib/partitions.ts";
import { findTransaction } from "../../lib/transactions.ts";
import { handleBill } from "../src/handler.ts";
import { receiveOne, seedBill, setupConsumerEnv, testDeps } from "./helper.ts";

const e = await setupConsumerEnv(t);
const admin = new pg.Client({ connectionString: e.databaseUrl });
await admin.connect();
t.teardown(() => admin.end());
const login = `${e.id}_delivery`;
await admin.query(`CREATE ROLE ${login} LOGIN IN ROLE ${DB_ROLES.delivery}`);
t.teardown(() => admin.query(`DROP ROLE IF EXISTS ${login}`));
const url = new URL(e.databaseUrl);
url.username = login;

t.test("delivery, tokens and audit partitions as bill_mw_delivery", async (t) => {
  const deps = await testDeps(t, e, { DATABASE_URL: url.toString() });
  const who = await deps.db.oneFirst(sql.unsafe`SELECT session_user AS u`);
  t.equal(who, login);
  const seeded = await admin.query("SELECT count(*)::int AS n FROM zoho_tokens");
  t.equal(seeded.rows[0].n, 1, "the refresh token was seeded by the delivery role");

  const bill = await seedBill(e);
  const m = await receiveOne(e);
  if (!m) throw new Error("no message");
  t.same(await handleBill(m.inbound, deps), { action: "ack", result: "delivered" });
  t.equal((await findTransaction(e.db, bill.transactionId))?.status, "success");
  const audit = await admin.query("SELECT count(*)::int AS n FROM api_audit_logs WHERE transaction_id = $1", [
    bill.transactionId,
  ]);
  t.ok(audit.rows[0].n >= 1, "its Zoho calls are in the audit log");

  // A month far in the past, then the retention window moved past it: detach and drop it as delivery.
  await admin.query("SELECT create_audit_partitions(0, '2020-01-15')");
  const round = await maintainAuditPartitions(deps.db, { monthsAhead: 1, retentionMonths: 13 });
  t.ok(
    round.dropped.some((d) => d.name === "api_audit_logs_2020_01"),
    `dropped: ${round.dropped.map((d) => d.name)}`,
  );
  await t.rejects(deps.db.any(sql.unsafe`SELECT * FROM operator_actions`), { code: "42501" });
});
