/**
 * `npm run fuzz` (through run.sh, which prepares the stand-ins and the venv):
 *   node scripts/verify/fuzz/run.ts [--max-examples 1000] [--keyless-max-examples N] [--seed N] [--workers 4]
 * Prints the summary, writes it to .local/fuzz/summary.txt, exits 1 on any failure or leftover.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { defaultWorkDir, formatSummary, fuzzService } from "./fuzz.ts";

const { values } = parseArgs({
  options: {
    "max-examples": { type: "string", default: "1000" },
    "keyless-max-examples": { type: "string" },
    seed: { type: "string" },
    workers: { type: "string", default: "4" },
  },
});
const maxExamples = Number(values["max-examples"]);
const workDir = defaultWorkDir();
const summary = await fuzzService({
  maxExamples,
  keylessMaxExamples: Number(values["keyless-max-examples"] ?? maxExamples),
  seed: Number(values.seed ?? Math.floor(Math.random() * 2 ** 31)),
  workers: Number(values.workers),
  workDir,
});
for (const r of summary.runs) {
  if (r.exitCode !== 0) process.stdout.write(`\n----- schemathesis output (${r.name}) -----\n${r.output}\n`);
}
const text = formatSummary(summary);
process.stdout.write(`\n${text}\n`);
await writeFile(join(workDir, "summary.txt"), `${text}\n`);
process.exit(summary.ok ? 0 : 1);
