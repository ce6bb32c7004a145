/**
 * The monthly workflow (.github/workflows/loadtest-monthly.yml) points at files that exist and
 * keeps its promises: monthly schedule plus manual runs, the Grafana actions, spike-10x by
 * default, secrets from the environment only, an artifact kept even when the run fails.
 */
import { existsSync, readFileSync } from "node:fs";
import t from "tap";
import { zohoBillsPerHour } from "../../shared/profiles.ts";

const root = new URL("../../../", import.meta.url);
const workflow = readFileSync(new URL(".github/workflows/loadtest-monthly.yml", root), "utf8");

t.test("runs monthly and by hand", async (t) => {
  const cron = /cron: "([^"]+)"/.exec(workflow)?.[1] ?? "";
  const [minute, hour, day, month, weekday] = cron.split(" ");
  t.match(`${minute} ${hour}`, /^\d+ \d+$/, "a fixed time");
  t.match(day, /^\d+$/, "a fixed day of the month");
  t.equal(month, "*");
  t.equal(weekday, "*");
  t.match(workflow, /\n {2}workflow_dispatch:/);
});

t.test("runs spike-10x with k6 through the Grafana actions and fails on thresholds", async (t) => {
  t.match(workflow, /uses: grafana\/setup-k6-action@[0-9a-f]{40} # v1\./, "pinned by commit, v1");
  t.match(workflow, /uses: grafana\/run-k6-action@[0-9a-f]{40} # v1\./, "pinned by commit, v1");
  t.match(workflow, /SCRIPT: \$\{\{ inputs\.script \|\| 'spike-10x' \}\}/);
  t.match(workflow, /path: loadtest\/k6\/\$\{\{ env\.SCRIPT \}\}\.ts/);
  const options =
    /options: \[([^\]]+)\]/
      .exec(workflow)?.[1]
      ?.split(",")
      .map((s) => s.trim()) ?? [];
  t.ok(options.includes("spike-10x"));
  for (const name of options)
    t.ok(existsSync(new URL(`loadtest/k6/${name}.ts`, root)), `loadtest/k6/${name}.ts exists`);
  t.match(workflow, /grep -q FAILED/, "threshold failures are reported as such");
});

t.test("secrets reach k6 through the environment, and the summary is kept", async (t) => {
  t.match(workflow, /API_KEY: \$\{\{ secrets\.STAGING_LOADTEST_API_KEY \}\}/);
  t.match(workflow, /BASE_URL: \$\{\{ secrets\.STAGING_BASE_URL \}\}/);
  t.notMatch(workflow, /-e API_KEY|--env API_KEY/, "never on a command line");
  t.match(workflow, /uses: actions\/upload-artifact@[0-9a-f]{40} # v4\.[^\n]*\n\s+if: always\(\)/);
  t.match(workflow, /path: bench-results\/k6\//);
  t.match(workflow, /SUMMARY_DIR: bench-results\/k6/);
  t.match(workflow, /permissions:\n {2}contents: read/);
});

t.test("the staging delivery budget falls back to the fleet's production figure", async (t) => {
  const fallback = workflow.match(
    /ZOHO_BILLS_PER_HOUR: \$\{\{ vars\.STAGING_ZOHO_BILLS_PER_HOUR \|\| '(\d+)' \}\}/,
  )?.[1];
  t.equal(Number(fallback), zohoBillsPerHour(), "ZOHO_RATE_LIMIT_PER_MINUTE's bills per hour, not an old copy");
});
