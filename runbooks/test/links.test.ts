/**
 * Alarms and runbooks cannot drift apart: every runbook path the infrastructure names exists,
 * every alarm maps to its runbook in the index (and the index names no alarm that is gone), each
 * alarm runbook links back to the alarm definitions, and every file, script and link a runbook
 * points at exists.
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import t from "tap";
import { type AlarmTargets, alarmSpecs } from "../../infra/src/constructs/observability.ts";
import { ROOT, RUNBOOKS, readRunbook, runbookFiles } from "./markdown.ts";

const targets: AlarmTargets = {
  environment: "test",
  metricsNamespace: "BillMiddleware",
  queueName: "q",
  dlqName: "dlq",
  albArnSuffix: "app/x/1",
  targetGroupArnSuffix: "targetgroup/x/1",
  dbInstanceId: "db",
  autoScalingGroupName: "asg",
  maxInstances: 10,
  dbFreeStorageBytes: 10 * 1024 ** 3,
  dbMaxConnections: 400,
  cacheNodeIds: ["redis-001", "redis-002"],
  cacheMaxConnections: 1000,
  burstFunctionName: "burst",
  fleetGroupNames: ["asg", "asg-worker"],
  zohoDailyQuota: 5000,
};
const specs = alarmSpecs(targets);

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => join(e.parentPath, e.name));
}

t.test("every runbook path named in infra/src exists", async (t) => {
  const named = new Set<string>();
  for (const file of await tsFiles(join(ROOT, "infra/src"))) {
    for (const m of (await readFile(file, "utf8")).matchAll(/runbooks\/[\w-]+\.md/g)) named.add(m[0]);
  }
  t.ok(named.size >= 10, `${named.size} runbook paths in infra/src`);
  for (const path of named) t.ok(existsSync(join(ROOT, path)), `${path} exists`);
});

t.test("every alarm has its runbook in the index, and the index lists only real alarms", async (t) => {
  const index = await readRunbook("README.md");
  const rows = [...index.matchAll(/^\| `([\w-]+)` \| (\w+) \|[^|]+\| \[([\w-]+\.md)\]/gm)].map((m) => ({
    id: m[1],
    severity: m[2],
    file: m[3],
  }));
  for (const spec of specs) {
    const row = rows.find((r) => r.id === spec.id);
    t.ok(row, `alarm ${spec.id} is in runbooks/README.md`);
    t.equal(`runbooks/${row?.file}`, spec.runbook, `${spec.id} maps to ${spec.runbook}`);
    t.equal(row?.severity, spec.severity, `${spec.id} severity matches`);
    t.match(spec.summary.length > 0 && spec.runbook, /^runbooks\/[\w-]+\.md$/);
  }
  t.same(rows.map((r) => r.id).sort(), specs.map((s) => s.id).sort(), "no stale alarm rows");
});

t.test("alarm runbooks follow the template and link back to the alarm definition", async (t) => {
  for (const file of new Set(specs.map((s) => s.runbook.replace("runbooks/", "")))) {
    const text = await readRunbook(file);
    const ids = specs.filter((s) => s.runbook === `runbooks/${file}`).map((s) => s.id);
    for (const id of ids) t.match(text, `\`bill-mw-<env>-${id}\``, `${file} names its alarm ${id}`);
    for (const section of [
      "## Overview",
      "## What the user sees",
      "## Triage",
      "## Mitigations",
      "## Verify",
      "## Escalation",
      "## Alarm definition",
    ]) {
      t.ok(text.includes(section), `${file} has "${section}"`);
    }
    t.match(text, "../infra/src/constructs/observability.ts", `${file} links to the alarm source`);
    t.match(text, /Last reviewed:\*\* \d{4}-\d{2}-\d{2}/, `${file} has a last-reviewed date`);
  }
});

t.test("every runbook is in the index and every link, script and file it names exists", async (t) => {
  const index = await readRunbook("README.md");
  for (const file of await runbookFiles()) {
    if (file !== "README.md") t.match(index, `](${file})`, `${file} is linked from the index`);
    const text = await readRunbook(file);
    for (const m of text.matchAll(/\]\(([^)#\s]+)(#[\w-]+)?\)/g)) {
      const target = m[1] ?? "";
      if (/^https?:/.test(target)) continue;
      t.ok(existsSync(join(RUNBOOKS, target)), `${file}: link ${target} resolves`);
    }
    for (const m of text.matchAll(
      /\b((?:scripts|lib|infra\/src|migrations|service\/src|consumer\/src)\/[\w./-]+\.(?:ts|md|sh))\b/g,
    )) {
      const path = m[1] ?? "";
      t.ok(existsSync(join(ROOT, path)), `${file}: ${relative(ROOT, join(ROOT, path))} exists`);
    }
  }
});
