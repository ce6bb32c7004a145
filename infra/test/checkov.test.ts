/**
 * Scans the synthesized Terraform JSON of every stack with checkov (one synth, one checkov run)
 * and fails on any failed check that is not in CHECKOV_SKIPS. checkov comes from
 * scripts/dev/requirements-checkov.txt (scripts/dev/common.sh ensure_checkov, run by `npm test`).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { App } from "cdktf";
import t from "tap";
import { environments } from "../src/environments.ts";
import { BillMiddlewareStack } from "../src/stacks/bill-middleware-stack.ts";
import { CHECKOV_SKIPS } from "./checkov-skips.ts";

const checkov = fileURLToPath(new URL("../../.tools/checkov-venv/bin/checkov", import.meta.url));

interface Finding {
  check_id: string;
  check_name: string;
  resource: string;
  file_path: string;
}

t.test("checkov passes every stack, except for the justified skips", async (t) => {
  t.ok(existsSync(checkov), "checkov is installed (npm test runs ensure_checkov)");
  const outdir = mkdtempSync(join(tmpdir(), "bill-mw-cdktf-"));
  t.teardown(() => rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ outdir });
  for (const env of environments) new BillMiddlewareStack(app, env.name, env);
  app.synth();

  const { stdout } = await promisify(execFile)(
    checkov,
    ["-d", outdir, "--framework", "terraform_json", "-o", "json", "--quiet", "--compact", "--skip-download"],
    { maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "ERROR" } },
  ).catch((e: { stdout?: string; code?: number }) => {
    if (e.code === 1 && e.stdout) return { stdout: e.stdout }; // checkov exits 1 when any check fails
    throw e;
  });
  const report = JSON.parse(stdout) as {
    summary: { passed: number; failed: number; parsing_errors: number };
    results: { failed_checks: Finding[] };
  };
  t.equal(report.summary.parsing_errors, 0, "every cdk.tf.json parsed");
  t.ok(report.summary.passed > 0);

  const stackOf = (f: Finding) => f.file_path.split("/").at(-2) ?? "";
  const skipFor = (f: Finding) =>
    CHECKOV_SKIPS.find(
      (s) =>
        s.id === f.check_id &&
        s.resource.test(f.resource.split(".").at(-1)!) &&
        (!s.stacks || s.stacks.includes(stackOf(f))),
    );
  const unjustified = report.results.failed_checks.filter((f) => !skipFor(f));
  t.same(
    unjustified.map((f) => `${f.check_id} ${f.resource} (${stackOf(f)}): ${f.check_name}`),
    [],
    "no failed check without a justified skip",
  );
  const used = new Set(report.results.failed_checks.map((f) => skipFor(f)).filter(Boolean));
  t.same(
    CHECKOV_SKIPS.filter((s) => !used.has(s)).map((s) => s.id),
    [],
    "no stale skip: each one still matches a finding",
  );
  for (const s of CHECKOV_SKIPS)
    t.ok(s.reason.length > 20 && !s.reason.includes("\n"), `${s.id} has a one-line reason`);

  const skipped = report.results.failed_checks.length - unjustified.length;
  t.comment(`checkov: ${report.summary.passed} passed, ${unjustified.length} failed, ${skipped} skipped (justified)`);
});
