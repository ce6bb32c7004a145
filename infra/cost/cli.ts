/**
 * `npm run cost -- <staging|production|seed|seed-on-this-stack|all> [--html <file>]`: synthesizes
 * the profile's stack (the same code as `npm run synth`, into a temporary directory), prices its
 * resources (infra/cost/prices.ts) and prints one line per billable resource with the day, night
 * and ceiling totals; `--html` also writes the page with the chart.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { App } from "cdktf";
import { BillMiddlewareStack } from "../src/stacks/bill-middleware-stack.ts";
import { estimate } from "./estimate.ts";
import { PROFILES, seedArchitecture } from "./profiles.ts";
import { htmlReport, type Report, textReport, versus } from "./report.ts";
import { lifecycleOf, perMillionOverSevenYears } from "./storage.ts";

type Resources = Parameters<typeof estimate>[0];

/** Synthesizes one profile's stack and returns its resources. */
export function synthesize(name: string): Resources {
  const profile = PROFILES[name];
  if (!profile) throw new Error(`unknown profile ${name}: ${Object.keys(PROFILES).join(", ")}`);
  const outdir = mkdtempSync(join(tmpdir(), "bill-mw-cost-"));
  try {
    const app = new App({ outdir });
    new BillMiddlewareStack(app, profile.config.name, profile.config);
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, "stacks", profile.config.name, "cdk.tf.json"), "utf8"));
    return json.resource as Resources;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The report of one profile. */
export function reportFor(name: string): Report {
  const profile = PROFILES[name]!;
  const synthesized = synthesize(name);
  const resources = profile.seedArchitecture ? seedArchitecture(synthesized) : synthesized;
  const mine = estimate(resources, profile.usage);
  return {
    name,
    note: profile.note,
    estimate: mine,
    storage: perMillionOverSevenYears(lifecycleOf(resources), profile.usage),
    pdfKb: profile.usage.pdfKb,
    ...(profile.versus ? { versus: versus(mine, profile.versus, reportFor(profile.versus).estimate) } : {}),
  };
}

function main(): void {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { html: { type: "string" } } });
  const target = positionals[0];
  if (!target || (target !== "all" && !PROFILES[target])) {
    process.stderr.write(`usage: npm run cost -- <${Object.keys(PROFILES).join("|")}|all> [--html <file>]\n`);
    process.exit(2);
  }
  const names = target === "all" ? Object.keys(PROFILES) : [target];
  const reports = names.map(reportFor);
  process.stdout.write(`${reports.map(textReport).join("\n\n")}\n`);
  if (values.html) {
    writeFileSync(values.html, htmlReport(reports));
    process.stdout.write(`\nchart: ${values.html}\n`);
  }
}

if (import.meta.main) main();
