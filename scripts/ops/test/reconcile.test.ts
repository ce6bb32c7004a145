/** Reconciliation: every category of exception, the NetSuite id list, the Zoho cross-check and the CSV. */
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { z } from "zod";
import { loadOpsConfig } from "../../../lib/config.ts";
import { sql } from "../../../lib/db.ts";
import { reconcile, toCsv } from "../../../lib/operations/reconcile.ts";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import { seedBill } from "../../../lib/testing/seed.ts";
import { openContext } from "../cli.ts";
import { readNetsuiteIds, reconcileCommand } from "../reconcile.ts";

const env = await setupTestEnv(t);
const ctx = await openContext(loadOpsConfig(env.env));
t.teardown(() => ctx.close());

const from = new Date(Date.now() - 86_400_000);
const to = new Date(Date.now() + 60_000);

const delivered = await seedBill(ctx.db, { netsuiteBillId: "NS-OK", status: "success", zohoBillId: "460001" });
await seedBill(ctx.db, { netsuiteBillId: "NS-GONE", status: "success", zohoBillId: "460002" });
await seedBill(ctx.db, { netsuiteBillId: "NS-FAIL", status: "failed", errorMessage: "vendor not found" });
await seedBill(ctx.db, { netsuiteBillId: "NS-STUCK", status: "pending", ageMs: 3 * 3_600_000 });
await seedBill(ctx.db, { netsuiteBillId: "NS-NEW", status: "pending", ageMs: 10_000 });
await seedBill(ctx.db, { netsuiteBillId: "NS-DUP-A", status: "success", zohoBillId: "460009" });
await seedBill(ctx.db, { netsuiteBillId: "NS-DUP-B", status: "success", zohoBillId: "460009" });
await seedBill(ctx.db, { netsuiteBillId: "NS-OLD", status: "failed", ageMs: 3 * 86_400_000 });
await ctx.db.query(sql.type(z.object({}))`UPDATE transactions SET zoho_bill_id = NULL WHERE id = ${delivered}`);

t.test("counts and exceptions for the range, with NetSuite's list and Zoho's", async (t) => {
  const zohoCalls: unknown[] = [];
  const report = await reconcile(ctx.db, {
    from,
    to,
    netsuiteIds: ["NS-OK", "NS-FAIL", "NS-NEVER"],
    zoho: async (range) => {
      zohoCalls.push(range);
      return { ids: new Set(["460009"]), calls: 1 };
    },
  });
  t.same(report.counts, { accepted: 7, delivered: 4, failedOpen: 1, failedResolved: 0, inFlight: 1, stuck: 1 });
  const kinds = report.exceptions.map((e) => `${e.kind}:${e.netsuiteBillId}`).sort();
  t.same(kinds, [
    "delivered-without-zoho-id:NS-OK",
    "duplicate-zoho-bill:NS-DUP-A",
    "duplicate-zoho-bill:NS-DUP-B",
    "failed:NS-FAIL",
    "missing-in-zoho:NS-GONE",
    "not-received:NS-NEVER",
    "stuck:NS-STUCK",
  ]);
  t.same(report.zoho, { listed: 1, calls: 1 });
  t.match(zohoCalls[0], { dateStart: /^\d{4}-\d{2}-\d{2}$/ }, "Zoho is asked by bill date, widened");
  t.match(toCsv(report), /^kind,netsuite_bill_id,transaction_id,detail\nnot-received|failed|/);
});

t.test("the CLI reads a NetSuite export, writes the CSV and exits 3 on exceptions", async (t) => {
  const dir = tmpdir();
  const ids = join(dir, `ns-${env.id}.csv`);
  const csv = join(dir, `recon-${env.id}.csv`);
  await writeFile(ids, 'netsuite_bill_id,amount\nNS-OK,10\n"NS-NEVER-2",5\n');
  t.same(await readNetsuiteIds(ids), ["NS-OK", "NS-NEVER-2"]);
  const lines: string[] = [];
  const code = await reconcileCommand(
    ctx,
    ["--from", from.toISOString(), "--to", to.toISOString(), "--netsuite-ids", ids, "--csv", csv],
    (s) => lines.push(s),
  );
  t.equal(code, 3);
  t.match(lines.join("\n"), /not-received\s+NS-NEVER-2/);
  await t.rejects(reconcileCommand(ctx, ["--from", to.toISOString(), "--to", from.toISOString()]), /after/);
});
