/**
 * The fuzz campaign: one isolated service instance, two schemathesis runs at once against its
 * OpenAPI document (/docs/json, every operation it documents), then the leftover check.
 * - keyed: with a valid x-api-key, so generated cases get past authentication and reach
 *   validation and the storing path;
 * - keyless: without a key (the 401 answers must match the documented error schema).
 * Cases per operation are counted on the server side (requests answered per route and run).
 */
import { join } from "node:path";
import { runSchemathesis, type StResult } from "./schemathesis.ts";
import { FUZZ_API_KEY, type FuzzTarget, type Leftovers, leftovers, startFuzzTarget } from "./target.ts";

export interface FuzzOptions {
  /** Cases per operation in the keyed run. */
  readonly maxExamples: number;
  /** Cases per operation in the keyless run (every answer is a 401, so fewer teach as much). */
  readonly keylessMaxExamples: number;
  readonly seed: number;
  readonly workers: number;
  readonly workDir: string;
}

export interface FuzzSummary {
  readonly options: FuzzOptions;
  readonly runs: readonly StResult[];
  /** Requests answered per run and documented operation: "keyed POST /api/v1/bills". */
  readonly casesPerOperation: ReadonlyMap<string, number>;
  /** Answers per "run METHOD /route status code". */
  readonly answers: ReadonlyMap<string, number>;
  readonly leftovers: Leftovers;
  readonly failures: number;
  readonly ok: boolean;
}

interface Teardowns {
  teardown(fn: () => unknown): void;
}

export async function fuzzService(opts: FuzzOptions, t?: Teardowns): Promise<FuzzSummary> {
  const target: FuzzTarget = await startFuzzTarget(t);
  try {
    const base = {
      schemaUrl: `${target.url}/docs/json`,
      seed: opts.seed,
      workers: opts.workers,
      workDir: opts.workDir,
    };
    // x-fuzz-run lets the target count answers per run; the service ignores unknown headers.
    const runs = await Promise.all([
      runSchemathesis({
        ...base,
        name: "keyed",
        headers: { "x-api-key": FUZZ_API_KEY, "x-fuzz-run": "keyed" },
        maxExamples: opts.maxExamples,
      }),
      runSchemathesis({
        ...base,
        name: "keyless",
        headers: { "x-fuzz-run": "keyless" },
        maxExamples: opts.maxExamples,
      }),
    ]);
    const left = await leftovers(target);
    const documented = await documentedOperations(target);
    const casesPerOperation = new Map<string, number>();
    for (const [key, n] of target.answers.byRoute) {
      const [run, method, route] = key.split(" ");
      const op = `${method} ${String(route).replace(/:([A-Za-z]+)/g, "{$1}")}`;
      const k = `${run} ${op}`;
      if (documented.has(op)) casesPerOperation.set(k, (casesPerOperation.get(k) ?? 0) + n);
    }
    for (const run of ["keyed", "keyless"]) {
      for (const op of documented) if (!casesPerOperation.has(`${run} ${op}`)) casesPerOperation.set(`${run} ${op}`, 0);
    }
    const failures = runs.reduce((n, r) => n + (r.report?.test_cases.unique_failures ?? 0), 0);
    const ok = runs.every((r) => r.exitCode === 0 && r.report !== null) && left.problems.length === 0;
    return {
      options: opts,
      runs,
      casesPerOperation,
      answers: target.answers.byRoute,
      leftovers: left,
      failures,
      ok,
    };
  } finally {
    await target.close();
  }
}

async function documentedOperations(target: FuzzTarget): Promise<Set<string>> {
  const doc = (await (await fetch(`${target.url}/docs/json`)).json()) as { paths: Record<string, object> };
  const ops = new Set<string>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const m of Object.keys(methods)) ops.add(`${m.toUpperCase()} ${path}`);
  }
  return ops;
}

export function formatSummary(s: FuzzSummary): string {
  const lines: string[] = [];
  const o = s.options;
  lines.push(
    `schemathesis fuzz: --max-examples ${o.maxExamples} per operation with a key, ${o.keylessMaxExamples} without, seed ${o.seed}, ${o.workers} workers`,
  );
  for (const r of s.runs) {
    const tc = r.report?.test_cases;
    lines.push(
      `  run ${r.name.padEnd(7)} exit ${r.exitCode}  ${tc ? `${tc.generated} cases generated, ${tc.unique_failures} unique failures, ${tc.errored} errored` : "no report"}  ${r.seconds.toFixed(0)} s`,
    );
  }
  lines.push("  requests answered per documented operation:");
  for (const [op, n] of [...s.casesPerOperation].sort()) lines.push(`    ${String(n).padStart(6)}  ${op}`);
  const byStatus = new Map<string, number>();
  for (const [k, n] of s.answers) {
    const status = k.split(" ")[3] ?? "?";
    byStatus.set(status, (byStatus.get(status) ?? 0) + n);
  }
  lines.push(
    `  answers by status: ${[...byStatus]
      .sort()
      .map(([st, n]) => `${st}=${n}`)
      .join(" ")}`,
  );
  const l = s.leftovers;
  lines.push(
    `  stored vs accepted: ${l.created} bills created (202), ${l.accepted} transactions handed out by 2xx; ` +
      `${l.rows} rows, ${l.objects} objects (${l.objectVersions} versions), ${l.messages} queue messages, ${l.dlqMessages} in the DLQ`,
  );
  lines.push(l.problems.length === 0 ? "  leftovers: none" : `  LEFTOVERS: ${l.problems.join("; ")}`);
  lines.push(`  result: ${s.ok ? "PASS" : "FAIL"} (${s.failures} unique check failures)`);
  return lines.join("\n");
}

export const defaultWorkDir = () => join(import.meta.dirname, "..", "..", "..", ".local", "fuzz");
