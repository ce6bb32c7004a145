/**
 * Compiles ts/entries/mw_*.ts into the AMD modules NetSuite loads, in the SDF File Cabinet folder.
 * TypeScript 7 has no AMD output, so esbuild bundles each entry (with the core modules it imports)
 * into one ES2019 IIFE and this script wraps it in
 *   define(["N/crypto", ...], function (crypto, ...) { ...; return { getInputData: ..., map: ... }; })
 * with the entry's JSDoc header (@NApiVersion, @NScriptType, @NModuleScope) kept at the top.
 * N modules are never imported at run time by the sources; define() passes them to create().
 *
 *   node scripts/netsuite/build.ts           writes the .js files (commit them)
 *   node scripts/netsuite/build.ts --check   exits 1 if a committed .js differs from a fresh build
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));
export const ENTRIES_DIR = join(HERE, "ts", "entries");
export const OUTPUT_DIR = join(HERE, "src", "FileCabinet", "SuiteScripts", "bill_middleware");
const BUNDLE_NAME = "__mwBundle";

export interface BuiltScript {
  readonly entry: string;
  readonly outputPath: string;
  readonly code: string;
  readonly dependencies: Record<string, string>;
  readonly entryPointNames: readonly string[];
}

interface EntryModule {
  dependencies: Record<string, string>;
  entryPointNames: readonly string[];
}

export function entryFiles(): string[] {
  return readdirSync(ENTRIES_DIR)
    .filter((name) => /^mw_.*\.ts$/.test(name))
    .sort()
    .map((name) => join(ENTRIES_DIR, name));
}

/** The leading JSDoc block with the @N tags NetSuite reads. */
export function header(source: string): string {
  const match = /^\/\*\*[\s\S]*?\*\//.exec(source);
  if (!match || !/@NApiVersion 2\.1/.test(match[0]) || !/@NScriptType \w+/.test(match[0])) {
    throw new Error("entry must start with a JSDoc block holding @NApiVersion 2.1 and @NScriptType");
  }
  return match[0];
}

export async function buildEntry(entry: string): Promise<BuiltScript> {
  const mod = (await import(entry)) as EntryModule;
  const params = Object.keys(mod.dependencies);
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: HERE, // keeps the "// ts/core/..." path comments the same from any cwd
    bundle: true,
    write: false,
    format: "iife",
    globalName: BUNDLE_NAME,
    platform: "neutral",
    target: "es2019",
    charset: "utf8",
    legalComments: "none",
    logLevel: "silent",
  });
  const bundle = result.outputFiles[0]?.text;
  if (!bundle) throw new Error(`esbuild produced no output for ${entry}`);
  const indented = bundle
    .trimEnd()
    .split("\n")
    .map((line) => (line ? `  ${line}` : line))
    .join("\n");
  const modules = params.map((p) => `${p}: ${p}`).join(", ");
  const exported = mod.entryPointNames.map((name) => `    ${name}: entryPoints.${name}`).join(",\n");
  const code = [
    header(readFileSync(entry, "utf8")),
    `define(${JSON.stringify(Object.values(mod.dependencies))}, function (${params.join(", ")}) {`,
    indented,
    `  var entryPoints = ${BUNDLE_NAME}.create({ ${modules} });`,
    "  return {",
    exported,
    "  };",
    "});",
    "",
  ].join("\n");
  return {
    entry,
    outputPath: join(OUTPUT_DIR, basename(entry).replace(/\.ts$/, ".js")),
    code,
    dependencies: mod.dependencies,
    entryPointNames: mod.entryPointNames,
  };
}

export async function buildAll(): Promise<BuiltScript[]> {
  return Promise.all(entryFiles().map(buildEntry));
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const script of await buildAll()) {
    let current = "";
    try {
      current = readFileSync(script.outputPath, "utf8");
    } catch {
      // missing: stale
    }
    if (current === script.code) continue;
    if (check) {
      stale++;
      console.error(`stale: ${script.outputPath} (run node scripts/netsuite/build.ts)`);
    } else {
      writeFileSync(script.outputPath, script.code);
      console.log(`wrote ${script.outputPath}`);
    }
  }
  if (stale > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
