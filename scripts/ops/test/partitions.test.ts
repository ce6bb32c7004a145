/** Partition maintenance: list, ensure ahead, and prune old months (dry run first, recorded in operator_actions when executed). */
import t from "tap";
import { z } from "zod";
import { loadOpsConfig } from "../../../lib/config.ts";
import { sql } from "../../../lib/db.ts";
import { listOperatorActions } from "../../../lib/operations/operator-actions.ts";
import { ensurePartitions, listPartitions, prunePartitions } from "../../../lib/operations/partitions.ts";
import { cutoffMonth } from "../../../lib/partitions.ts";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import { openContext } from "../cli.ts";
import { partitionsCommand } from "../partitions.ts";

const env = await setupTestEnv(t);
const ctx = await openContext(loadOpsConfig(env.env));
t.teardown(() => ctx.close());
const q = sql.type(z.object({}));

t.test("cutoff keeps the current month and the N-1 before it", async (t) => {
  t.equal(cutoffMonth(new Date("2026-11-24T09:00:00Z"), 13), "2025-11-01");
  t.equal(cutoffMonth(new Date("2026-01-31T23:00:00Z"), 1), "2026-01-01");
});

t.test("ensure creates months ahead; prune detaches and drops old months only when told", async (t) => {
  t.ok((await ensurePartitions(ctx.db, 5)) >= 2, "months 4 and 5 ahead are new");
  await ctx.db.query(q`
    CREATE TABLE api_audit_logs_2020_01 PARTITION OF api_audit_logs
    FOR VALUES FROM ('2020-01-01 00:00:00+00') TO ('2020-02-01 00:00:00+00')`);
  await ctx.db.query(q`
    INSERT INTO api_audit_logs (created_at, operation, method, url) VALUES ('2020-01-15', 'books.bills.get', 'GET', '/bills/1')`);
  const parts = await listPartitions(ctx.db);
  t.match(
    parts.find((p) => p.name === "api_audit_logs_2020_01"),
    { month: "2020-01-01", rows: 1 },
  );
  t.ok(parts.some((p) => p.month === null && p.name === "api_audit_logs_default"));

  const dry = await prunePartitions(ctx.db, { retentionMonths: 13, execute: false, drop: true });
  t.same(
    dry.candidates.map((p) => p.name),
    ["api_audit_logs_2020_01"],
  );
  t.ok(
    (await listPartitions(ctx.db)).some((p) => p.name === "api_audit_logs_2020_01"),
    "dry run changes nothing",
  );

  const lines: string[] = [];
  await partitionsCommand(
    ctx,
    ["prune", "--drop", "--execute", "--reason", "retention 13 months", "--by", "erin"],
    (s) => lines.push(s),
  );
  t.match(lines.join("\n"), /did detach and drop 1 partitions older than/);
  t.notOk(
    (await listPartitions(ctx.db)).some((p) => p.name === "api_audit_logs_2020_01"),
    "gone",
  );
  const [action] = await listOperatorActions(ctx.db);
  t.match(action, {
    action: "partition-drop",
    actor: "erin",
    details: { partitions: [{ name: "api_audit_logs_2020_01" }] },
  });
});
