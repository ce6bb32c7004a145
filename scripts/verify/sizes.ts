// File and function sizes of the tracked source (issue 12: no file over 300 lines, no function over
// ~60). Types are stripped with Node's own stripper (which keeps every position), then acorn (tap's
// dependency) parses the JavaScript; a function's size is the lines from its first to its last token.
//   node scripts/verify/sizes.ts [--file-limit 300] [--function-limit 60] [--no-tests]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { stripTypeScriptTypes } from "node:module";
import { parseArgs } from "node:util";
import { type Node, parse } from "acorn";
import { ancestor } from "acorn-walk";

interface Row {
  path: string;
  lines: number;
  name?: string;
  line?: number;
}

/** The few fields of acorn's nodes that name a function. */
interface NodeLike {
  readonly name?: string;
  readonly value?: unknown;
  readonly type?: string;
  readonly id?: NodeLike | null;
  readonly key?: NodeLike;
  readonly left?: NodeLike & { readonly property?: NodeLike };
  readonly callee?: NodeLike & { readonly property?: NodeLike };
  readonly arguments?: readonly NodeLike[];
}

const SOURCE = /\.(ts|mts|js|mjs|cjs)$/;
const TEST = /(^|\/)test\//;

function trackedSources(root: string): string[] {
  const out = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" });
  return out.split("\0").filter((path) => SOURCE.test(path) && !path.endsWith(".d.ts"));
}

function nameOf(node: NodeLike, parents: readonly NodeLike[]): string {
  if (node.id?.name) return node.id.name;
  const parent = parents.at(-2);
  const key = parent?.key ?? parent?.id ?? parent?.left?.property ?? parent?.left;
  if (key?.name) return key.name;
  if (key?.value !== undefined) return String(key.value);
  if (parent?.type === "CallExpression") {
    const callee = parent.callee?.property?.name ?? parent.callee?.name ?? "call";
    const first = parent.arguments?.[0];
    return `${callee}(${typeof first?.value === "string" ? JSON.stringify(first.value) : "…"}) callback`;
  }
  return "(anonymous)";
}

/** Functions of one file over the limit, outermost and nested alike, in source order. */
export function longFunctions(path: string, text: string, limit: number): Row[] {
  const js = /\.(ts|mts)$/.test(path) ? stripTypeScriptTypes(text, { mode: "strip" }) : text;
  const ast = parse(js, { ecmaVersion: "latest", sourceType: "module", locations: true, allowHashBang: true });
  const rows: Row[] = [];
  const visit = (node: Node, _state: unknown, parents: Node[]) => {
    const start = node.loc?.start.line ?? 0;
    const lines = (node.loc?.end.line ?? 0) - start + 1;
    if (lines > limit) rows.push({ path, lines, name: nameOf(node as NodeLike, parents as NodeLike[]), line: start });
  };
  ancestor(ast, { FunctionDeclaration: visit, FunctionExpression: visit, ArrowFunctionExpression: visit });
  return rows.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function main(): void {
  const { values } = parseArgs({
    options: {
      "file-limit": { type: "string", default: "300" },
      "function-limit": { type: "string", default: "60" },
      "no-tests": { type: "boolean", default: false },
    },
  });
  const fileLimit = Number(values["file-limit"]);
  const functionLimit = Number(values["function-limit"]);
  const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
  const files: Row[] = [];
  const functions: Row[] = [];
  const unparsed: string[] = [];
  for (const path of trackedSources(root)) {
    if (values["no-tests"] && TEST.test(path)) continue;
    const text = readFileSync(`${root}/${path}`, "utf8");
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    if (lines > fileLimit) files.push({ path, lines });
    try {
      functions.push(...longFunctions(path, text, functionLimit));
    } catch (error) {
      unparsed.push(`${path}: ${(error as Error).message}`);
    }
  }
  files.sort((a, b) => b.lines - a.lines);
  functions.sort((a, b) => b.lines - a.lines);
  console.log(`files over ${fileLimit} lines: ${files.length}`);
  for (const row of files) console.log(`  ${row.lines}\t${row.path}`);
  console.log(`functions over ${functionLimit} lines: ${functions.length}`);
  for (const row of functions) console.log(`  ${row.lines}\t${row.path}:${row.line}\t${row.name}`);
  if (unparsed.length > 0) console.log(`not parsed: ${unparsed.length}\n  ${unparsed.join("\n  ")}`);
}

if (import.meta.main) main();
