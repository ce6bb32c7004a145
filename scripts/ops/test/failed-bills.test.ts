/** The error-management CLI end to end on the stand-ins: what on-call types, what it prints, what it records in operator_actions. */
import t from "tap";
import { loadOpsConfig } from "../../../lib/config.ts";
import { listOperatorActions } from "../../../lib/operations/operator-actions.ts";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import { seedBill, seedZohoCall } from "../../../lib/testing/seed.ts";
import { findTransaction } from "../../../lib/transactions.ts";
import { openContext } from "../cli.ts";
import { failedBillsCommand } from "../failed-bills.ts";
import { retryStuckCommand } from "../retry-stuck.ts";

const env = await setupTestEnv(t);
const ctx = await openContext(loadOpsConfig(env.env));
t.teardown(() => ctx.close());

async function cli(command: typeof failedBillsCommand, ...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await command(ctx, argv, (s: string) => lines.push(s));
  return { code, out: lines.join("\n") };
}

t.test("list prints open failures with Zoho's answer; --json is machine-readable", async (t) => {
  const id = await seedBill(ctx.db, { netsuiteBillId: "NS-LIST-1", errorMessage: "vendor not found" });
  await seedZohoCall(ctx.db, id, { statusCode: 400, zohoCode: 1002, message: "Vendor does not exist." });
  const table = await cli(failedBillsCommand, "list");
  t.equal(table.code, 0);
  t.match(table.out, /NS-LIST-1.*vendor not found.*400.*1002.*Vendor does not exist\./);
  const json = JSON.parse((await cli(failedBillsCommand, "list", "--json", "--netsuite-bill-id", "NS-LIST-1")).out);
  t.equal(json.length, 1);
  t.equal(json[0].zoho_code, 1002);
  t.match((await cli(failedBillsCommand, "show", id)).out, /Zoho calls \(api_audit_logs\)/);
});

t.test("retry and resolve need a reason, record who, and exit 3 when something was skipped", async (t) => {
  const a = await seedBill(ctx.db);
  const b = await seedBill(ctx.db);
  await t.rejects(cli(failedBillsCommand, "retry", a), /--reason is required/);
  const retried = await cli(failedBillsCommand, "retry", a, "--by", "bob", "--reason", "Zoho outage over");
  t.equal(retried.code, 0);
  t.match(retried.out, /retried 1/);
  t.equal((await findTransaction(ctx.db, a))?.status, "pending");

  const resolved = await cli(failedBillsCommand, "resolve", a, b, "--by", "bob", "--reason", "entered by hand");
  t.equal(resolved.code, 3, "a was pending again, so it is skipped");
  t.match(resolved.out, /resolved 1/);
  t.match(resolved.out, new RegExp(`skipped ${a}: status is pending`));
  const history = JSON.parse((await cli(failedBillsCommand, "history", b, "--json")).out);
  t.match(history, [{ action: "resolve", actor: "bob", reason: "entered by hand", channel: "cli" }]);
});

t.test("retry --all-open is a dry run without --yes", async (t) => {
  const c = await seedBill(ctx.db);
  const dry = await cli(failedBillsCommand, "retry", "--all-open", "--reason", "bulk");
  t.match(dry.out, /would retry \d+ open failures; add --yes/);
  t.equal((await findTransaction(ctx.db, c))?.status, "failed", "nothing changed");
  const done = await cli(failedBillsCommand, "retry", "--all-open", "--yes", "--reason", "bulk", "--by", "carol");
  t.equal(done.code, 0);
  t.equal((await findTransaction(ctx.db, c))?.status, "pending");
  t.ok((await listOperatorActions(ctx.db, { transactionId: c })).some((x) => x.actor === "carol"));
});

t.test("retry-stuck takes one stalled transaction and refuses a delivered one", async (t) => {
  const stuck = await seedBill(ctx.db, { status: "pending", ageMs: 7_200_000 });
  const ok = await retryStuckCommand(ctx, [stuck, "--reason", "message lost", "--by", "dave"], () => {});
  t.equal(ok, 0);
  const done = await seedBill(ctx.db, { status: "success" });
  const lines: string[] = [];
  t.equal(await retryStuckCommand(ctx, [done, "--reason", "x"], (s) => lines.push(s)), 3);
  t.match(lines.join("\n"), /refused .*already delivered/);
});
