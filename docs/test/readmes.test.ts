/**
 * READMEs cannot rot: every top-level folder and every scripts/ group has a README, and every file
 * path the docs below name (in inline backticks or as a relative link) exists in the checkout.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Docs whose paths are checked (relative to the root). */
const CHECKED_DOCS = [
  "README.md",
  "docs/README.md",
  "docs/glossary.md",
  "docs/duplicates.md",
  "lib/README.md",
  "migrations/README.md",
  "loadtest/README.md",
  "scripts/README.md",
  "scripts/dev/README.md",
  "scripts/ops/README.md",
  "scripts/release/README.md",
  "scripts/verify/README.md",
  "scripts/zoho-sim/README.md",
  ...readdirSync(join(ROOT, "docs/adr")).map((f) => `docs/adr/${f}`),
];

const FILE_EXTENSION = /[\w-]\.(ts|mjs|js|md|sh|txt|json|py|yml|yaml|sql)$/;

/** Folders .gitignore names (`name/` lines): generated, never part of a checkout. */
function ignoredFolders(): Set<string> {
  const lines = readFileSync(join(ROOT, ".gitignore"), "utf8").split("\n");
  return new Set(lines.filter((l) => /^[\w.-]+\/$/.test(l.trim())).map((l) => l.trim().slice(0, -1)));
}

export interface NamedPath {
  readonly path: string;
  readonly line: number;
  /** On a table row, where a bare file name lists a file; in prose it may name a generated one. */
  readonly inTable: boolean;
}

/** Inline-code spans and relative link targets outside fenced code blocks, with their line numbers. */
export function namedPaths(markdown: string): NamedPath[] {
  const out: NamedPath[] = [];
  let fenced = false;
  markdown.split("\n").forEach((text, i) => {
    if (/^\s*```/.test(text)) fenced = !fenced;
    if (fenced) return;
    const inTable = text.trimStart().startsWith("|");
    for (const m of text.matchAll(/`([^`\s]+)`/g)) out.push({ path: m[1] as string, line: i + 1, inTable });
    for (const m of text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
      const target = m[1] as string;
      if (!/^[a-z]+:/.test(target)) out.push({ path: target, line: i + 1, inTable });
    }
  });
  return out;
}

/**
 * Whether a token names a path of this repository: it ends in a file extension, or has a slash and
 * starts with a folder that exists next to the doc or at the root. Placeholders, URLs, globs and
 * git-ignored output are not paths to check.
 */
function isRepoPath(token: string, docDir: string, ignored: Set<string>): boolean {
  if (/[<>*{}$|@]|^\/|^-|:/.test(token)) return false;
  const segments = token.split("/").filter(Boolean);
  if (segments.some((s) => ignored.has(s) || s.startsWith(".local") || s.startsWith(".tools"))) return false;
  if (FILE_EXTENSION.test(token)) return true;
  const first = segments[0];
  if (!token.includes("/") || !first) return false;
  return first === ".." || existsSync(join(docDir, first)) || existsSync(join(ROOT, first));
}

/**
 * Paths a doc names that do not exist, as "doc:line path". A path resolves next to the doc or at the
 * root. A bare file name counts only on a table row (prose may name a generated file), and may also
 * sit in a folder the same row names ("`operations/` | `retry.ts`, `resolve.ts`").
 */
export function missingPaths(doc: string, markdown: string, root = ROOT): string[] {
  const docDir = dirname(join(root, doc));
  const ignored = ignoredFolders();
  const named = namedPaths(markdown);
  const folderOf = (path: string) => (path.endsWith("/") ? path : dirname(path));
  const basesOn = (line: number) => [
    docDir,
    root,
    ...named
      .filter((n) => n.line === line && n.path.includes("/") && isRepoPath(n.path, docDir, ignored))
      .flatMap((n) => [join(docDir, folderOf(n.path)), join(root, folderOf(n.path))]),
  ];
  return named
    .filter(({ path, inTable }) => (inTable || path.includes("/")) && isRepoPath(path, docDir, ignored))
    .filter(({ path, line }) => {
      const bases = path.includes("/") ? [docDir, root] : basesOn(line);
      return !bases.some((base) => existsSync(normalize(join(base, path))));
    })
    .map(({ path, line }) => `${doc}:${line} ${path}`);
}

const folders = (dir: string) =>
  readdirSync(join(ROOT, dir)).filter((name) => {
    if (name.startsWith(".") || ignoredFolders().has(name)) return false;
    return statSync(join(ROOT, dir, name)).isDirectory();
  });

/**
 * Names a README gives: every segment of a path it names (`src/zoho/client.ts` names `src` and
 * `zoho` too), and the first word of each line of a fenced `text` block (a layout tree).
 */
export function listedNames(markdown: string): Set<string> {
  const names = new Set(namedPaths(markdown).flatMap((n) => n.path.split("/").filter(Boolean)));
  let layout = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) layout = !layout && /^\s*```text\s*$/.test(line);
    else if (layout) for (const word of line.trim().split(/\s+/)[0]?.split("/") ?? []) if (word) names.add(word);
  }
  return names;
}

/** Entries of `folder` (files and folders; with dirsOnly, folders) that `readme` never names. */
function unlisted(readme: string, folder: string, dirsOnly = false): string[] {
  const named = listedNames(readFileSync(join(ROOT, readme), "utf8"));
  const ignored = ignoredFolders();
  return readdirSync(join(ROOT, folder))
    .filter((name) => !name.startsWith(".") && !ignored.has(name) && name !== "README.md")
    .filter((name) => !dirsOnly || statSync(join(ROOT, folder, name)).isDirectory())
    .filter((name) => !named.has(name))
    .map((name) => `${folder}/${name}`);
}

t.test("the READMEs that list their folder name every file and folder in it", async (t) => {
  const listings: [readme: string, folder: string, dirsOnly?: boolean][] = [
    ["README.md", ".", true],
    ["docs/README.md", "docs"],
    ["docs/adr/README.md", "docs/adr"],
    ["lib/README.md", "lib"],
    ["lib/README.md", "lib/operations"],
    ["lib/README.md", "lib/testing"],
    ["migrations/README.md", "migrations"],
    ["scripts/README.md", "scripts", true],
    ["scripts/dev/README.md", "scripts/dev"],
    ["scripts/verify/README.md", "scripts/verify"],
    ["consumer/README.md", "consumer"],
    ["consumer/README.md", "consumer/src"],
    ["consumer/README.md", "consumer/test"],
    ["loadtest/README.md", "loadtest"],
    ["runbooks/README.md", "runbooks"],
    ["scripts/netsuite/README.md", "scripts/netsuite"],
    ["scripts/ops/README.md", "scripts/ops"],
    ["scripts/release/README.md", "scripts/release"],
    ["scripts/verify/chaos/README.md", "scripts/verify/chaos"],
    ["scripts/verify/fuzz/README.md", "scripts/verify/fuzz"],
    ["scripts/zoho-sim/README.md", "scripts/zoho-sim"],
  ];
  for (const [readme, folder, dirsOnly] of listings) {
    t.same(unlisted(readme, folder, dirsOnly), [], `${readme} lists ${folder}/`);
  }
});

t.test("a README lists a folder by any path segment or by a layout tree's first word", async (t) => {
  const names = listedNames(
    ["| `src/zoho/client.ts` | x |", "```text", "ts/core/   logic", "build.ts   esbuild", "```", "prose build"].join(
      "\n",
    ),
  );
  t.same([...names].sort(), ["build.ts", "client.ts", "core", "src", "ts", "zoho"]);
  t.notOk(listedNames("```sh\nnpm test\n```").has("npm"), "only text blocks are layout trees");
});

t.test("every ADR has a status line and the context, decision and consequences headings, in order", async (t) => {
  const adrs = readdirSync(join(ROOT, "docs/adr")).filter((f) => /^\d{4}-.*\.md$/.test(f));
  t.ok(adrs.length >= 7, `${adrs.length} ADRs`);
  for (const adr of adrs) {
    const text = readFileSync(join(ROOT, "docs/adr", adr), "utf8");
    t.match(text, /^# \d+\. \S/, `${adr}: numbered title`);
    t.match(text, /\nStatus: (accepted|superseded|proposed)/, `${adr}: status line`);
    const order = ["Context", "Decision", "Consequences"].map((h) => text.search(new RegExp(`^## ${h}\\b`, "m")));
    t.ok(order.every((at) => at > 0) && order[0]! < order[1]! && order[1]! < order[2]!, `${adr}: ${order}`);
  }
});

t.test("every top-level folder has a README", async (t) => {
  const top = folders(".");
  t.ok(top.includes("scripts") && top.includes("lib"), "the scan sees the top-level folders");
  t.same(
    top.filter((f) => !existsSync(join(ROOT, f, "README.md"))),
    [],
  );
});

t.test("every scripts/ group has a README", async (t) => {
  const groups = folders("scripts");
  t.ok(groups.includes("dev") && groups.includes("verify"), "the scan sees the scripts/ groups");
  t.same(
    groups.filter((g) => !existsSync(join(ROOT, "scripts", g, "README.md"))),
    [],
  );
});

t.test("every path the checked docs name exists", async (t) => {
  for (const doc of CHECKED_DOCS) {
    t.ok(existsSync(join(ROOT, doc)), `${doc} exists`);
    t.same(missingPaths(doc, readFileSync(join(ROOT, doc), "utf8")), [], `paths named in ${doc}`);
  }
});

t.test("the path check finds a missing path and ignores what is not a path", async (t) => {
  const markdown = [
    "| `lib/config.ts` | `lib/no-such-file.ts` | `POST /api/v1/bills` | `application/json` |",
    "| `.mjs` | `scripts/ops/<command>.ts` | `.local/env.sh` | `bench-results/` | [x](nowhere.md) |",
    "In prose, `cdk.tf.json` is a generated file; `lib/gone.ts` is not.",
    "```ts",
    'import { x } from "`lib/also-missing.ts`";',
    "```",
    "[ok](docs/glossary.md) [web](https://example.com/a.md) `lib/testing/`",
  ].join("\n");
  t.same(missingPaths("fake.md", markdown), [
    "fake.md:1 lib/no-such-file.ts",
    "fake.md:2 nowhere.md",
    "fake.md:3 lib/gone.ts",
  ]);
  t.same(missingPaths("lib/fake.md", "| `config.ts` `storage.ts` `nope.ts` |"), ["lib/fake.md:1 nope.ts"]);
  t.same(
    missingPaths("lib/fake.md", "| `testing/` | `harness.ts`, `seed.ts` |\n| `other/` | `harness.ts` |"),
    ["lib/fake.md:2 harness.ts"],
    "a bare name resolves only in a folder its own line names",
  );
});
