/**
 * One `st run` (schemathesis 4, from the project venv) against a served OpenAPI document, with the
 * hooks in hooks.py, a JSON report, and its output kept. Spawned asynchronously: the target may
 * live in this same process and must keep answering while schemathesis runs.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..", "..");
export const ST_BIN = process.env.SCHEMATHESIS_BIN ?? join(ROOT, ".tools", "venv", "bin", "st");
const HOOKS = join(import.meta.dirname, "hooks.py");

/** The checks every response must pass (see scripts/verify/fuzz/README.md for why these and not "all"). */
export const CHECKS = [
  "not_a_server_error",
  "status_code_conformance",
  "content_type_conformance",
  "response_headers_conformance",
  "response_schema_conformance",
  "negative_data_rejection",
] as const;

export interface StRun {
  readonly name: string;
  /** The OpenAPI document URL, e.g. http://127.0.0.1:1234/docs/json */
  readonly schemaUrl: string;
  readonly maxExamples: number;
  readonly seed: number;
  readonly workers: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly includePathRegex?: string;
  readonly excludePathRegex?: string;
  /** Where the report, the output and schemathesis' own cache go. */
  readonly workDir: string;
}

export interface StReport {
  readonly exit_code: number;
  readonly running_time: number;
  readonly stop_reason: string;
  readonly operations: { total: number; selected: number; tested: number; errored: number };
  readonly test_cases: { generated: number; with_failures: number; unique_failures: number; errored: number };
  readonly failures: unknown[];
  readonly errors: unknown[];
}

export interface StResult {
  readonly name: string;
  readonly exitCode: number | null;
  readonly output: string;
  readonly report: StReport | null;
  readonly seconds: number;
}

export function stArgs(run: StRun, reportPath: string): string[] {
  const args = [
    "run",
    run.schemaUrl,
    "--checks",
    CHECKS.join(","),
    "--max-examples",
    String(run.maxExamples),
    "--seed",
    String(run.seed),
    "--workers",
    String(run.workers),
    "--mode",
    "all",
    "--request-timeout",
    "30",
    "--continue-on-failure",
    "--report",
    "json",
    "--report-json-path",
    reportPath,
    "--output-truncate",
    "false",
  ];
  for (const [name, value] of Object.entries(run.headers)) args.push("--header", `${name}: ${value}`);
  if (run.includePathRegex) args.push("--include-path-regex", run.includePathRegex);
  if (run.excludePathRegex) args.push("--exclude-path-regex", run.excludePathRegex);
  return args;
}

export async function runSchemathesis(run: StRun): Promise<StResult> {
  if (!existsSync(ST_BIN)) {
    throw new Error(`schemathesis not found at ${ST_BIN}: run scripts/verify/fuzz/run.sh (it installs the venv)`);
  }
  const dir = join(run.workDir, run.name);
  await mkdir(dir, { recursive: true });
  const reportPath = join(dir, "report.json");
  const started = performance.now();
  const child = spawn(ST_BIN, stArgs(run, reportPath), {
    cwd: dir, // schemathesis and hypothesis keep their caches in the working directory
    env: { ...process.env, SCHEMATHESIS_HOOKS: HOOKS, NO_COLOR: "1", COLUMNS: "120" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => {
    output += String(d);
  });
  child.stderr.on("data", (d) => {
    output += String(d);
  });
  const [exitCode] = (await once(child, "exit")) as [number | null];
  await writeFile(join(dir, "output.txt"), output);
  let report: StReport | null = null;
  try {
    report = JSON.parse(await readFile(reportPath, "utf8")) as StReport;
  } catch {
    report = null;
  }
  return { name: run.name, exitCode, output, report, seconds: (performance.now() - started) / 1000 };
}
