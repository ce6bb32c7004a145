/** Reads the runbooks and their fenced blocks, for the rot-proofing tests. Tests only. */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const RUNBOOKS = join(ROOT, "runbooks");

export interface Block {
  readonly file: string;
  readonly line: number;
  /** Fence language, e.g. "sql", "bash", "logs-insights". */
  readonly lang: string;
  /** Rest of the info string, e.g. "service" in ```logs-insights service. */
  readonly info: string;
  readonly body: string;
  /** `<!-- claim: ... -->` or `<!-- drill: ... -->` right before the fence, if any. */
  readonly marker: string | null;
}

export async function runbookFiles(): Promise<string[]> {
  return (await readdir(RUNBOOKS)).filter((f) => f.endsWith(".md")).sort();
}

export const readRunbook = (file: string) => readFile(join(RUNBOOKS, file), "utf8");

export function blocks(file: string, markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]?.match(/^\s*```([\w-]+)\s*(.*)$/);
    if (!open) continue;
    const indent = lines[i]?.match(/^\s*/)?.[0].length ?? 0;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j] ?? ""); j++) body.push((lines[j] ?? "").slice(indent));
    let k = i - 1;
    while (k >= 0 && (lines[k] ?? "").trim() === "") k--;
    const marker = (lines[k] ?? "").match(/^<!--\s*(.+?)\s*-->$/)?.[1] ?? null;
    out.push({ file, line: i + 1, lang: open[1] ?? "", info: (open[2] ?? "").trim(), body: body.join("\n"), marker });
    i = j;
  }
  return out;
}

export async function allBlocks(): Promise<Block[]> {
  const out: Block[] = [];
  for (const f of await runbookFiles()) out.push(...blocks(f, await readRunbook(f)));
  return out;
}

/**
 * A psql-flavoured block as statements: `\set name value` lines define variables, `:'name'` and
 * `:name` use them (as psql does), `--` comments are dropped, statements end with `;`.
 */
export function sqlStatements(body: string): string[] {
  const vars = new Map<string, string>();
  const kept: string[] = [];
  for (const raw of body.split("\n")) {
    const set = raw.match(/^\\set\s+(\w+)\s+(.+)$/);
    if (set?.[1] && set[2]) {
      vars.set(set[1], set[2].trim().replace(/^'(.*)'$/, "$1"));
      continue;
    }
    if (raw.startsWith("\\")) throw new Error(`unsupported psql meta-command in a runbook: ${raw}`);
    kept.push(raw.replace(/--.*$/, ""));
  }
  const text = kept
    .join("\n")
    .replace(/:'(\w+)'/g, (_m, n: string) => {
      if (!vars.has(n)) throw new Error(`psql variable :'${n}' used but not \\set`);
      return `'${vars.get(n)?.replaceAll("'", "''")}'`;
    })
    .replace(/(?<![:\w]):(\w+)\b/g, (m, n: string) => vars.get(n) ?? m);
  return text
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
