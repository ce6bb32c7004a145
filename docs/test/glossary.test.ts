/**
 * The code speaks the glossary (docs/glossary.md): none of its unused words (requeue, replay,
 * resend, reconciler) in product code or on-call commands, and "reconcile" only for the finance
 * report. Deployed names the glossary lists are the exceptions, and so is "replay" in the signing
 * check, where it is the security term. runbooks/test/glossary.test.ts does the same for runbooks.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const GLOSSARY = readFileSync(join(ROOT, "docs/glossary.md"), "utf8");

/** Product code and what ships to instances; tests may name what they check against. */
const SCANNED = [
  "lib",
  "service/src",
  "consumer/src",
  "scripts/ops",
  "scripts/release",
  "infra/src",
  "infra/functions",
];

/** Names the glossary keeps because renaming them changes a contract (its "Deployed names" paragraph). */
const DEPLOYED = ["WORKER_DLQ_RECONCILE_INTERVAL_MS", "SWEEPER_RESEND_AFTER_MS", "requeued"];

const UNUSED = /\b\w*(re-?queue|replay|re-?send|reconciler)\w*\b/gi;
const RECONCILE = /\b\w*reconcil\w*\b/gi;
/** Where "reconcile" is the finance report's word (and the command's name). */
const FINANCE_REPORT = /(^|\/)reconcile\.ts$|^lib\/naming\.ts$/;
/** Where "replay" is the security term: a captured signed request sent again. */
const SIGNING = /^service\/src\/(auth\/|plugins\/auth\.ts$)/;

function sources(): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--", ...SCANNED], { cwd: ROOT, encoding: "utf8" });
  return out
    .split("\0")
    .filter((p) => /\.(ts|mjs|js)$/.test(p) && !/(^|\/)test\//.test(p) && !p.startsWith("lib/testing/"));
}

/** "file:line word" for each word the glossary does not use, outside the allowed names and places. */
export function offWords(path: string, text: string): string[] {
  const out: string[] = [];
  text.split("\n").forEach((line, i) => {
    let rest = line;
    for (const name of DEPLOYED) rest = rest.replaceAll(name, "");
    for (const m of rest.matchAll(UNUSED)) {
      if (SIGNING.test(path) && /replay/i.test(m[0])) continue;
      out.push(`${path}:${i + 1} ${m[0]}`);
    }
    // The report's own files, and a line naming its file (the command table of the release).
    if (FINANCE_REPORT.test(path) || rest.includes("reconcile.ts")) return;
    for (const m of rest.matchAll(RECONCILE)) out.push(`${path}:${i + 1} ${m[0]}`);
  });
  return out;
}

t.test("product code and on-call commands use none of the glossary's unused words", async (t) => {
  const files = sources();
  t.ok(files.length > 100, `${files.length} files scanned`);
  const found = files.flatMap((p) => offWords(p, readFileSync(join(ROOT, p), "utf8")));
  t.same(found, [], "say enqueue, retry, defer, redrive or settle (docs/glossary.md)");
});

t.test("the exceptions are the glossary's own", async (t) => {
  for (const name of DEPLOYED) t.ok(GLOSSARY.includes(`\`${name}\``), `the glossary lists ${name}`);
});

t.test("the check catches the words it bans and passes the allowed ones", async (t) => {
  t.same(offWords("lib/x.ts", "const requeueCount = 1; // resend it\nreplayDlq()\nreconciler"), [
    "lib/x.ts:1 requeueCount",
    "lib/x.ts:1 resend",
    "lib/x.ts:2 replayDlq",
    "lib/x.ts:3 reconciler",
    "lib/x.ts:3 reconciler",
  ]);
  t.same(offWords("consumer/src/worker.ts", "config.WORKER_DLQ_RECONCILE_INTERVAL_MS; r.requeued"), []);
  t.same(offWords("consumer/src/dlq-settler.ts", "reconcile the DLQ"), ["consumer/src/dlq-settler.ts:1 reconcile"]);
  t.same(offWords("scripts/ops/reconcile.ts", "reconcileCommand"), []);
  t.same(offWords("scripts/release/release.ts", 'reconcile: "scripts/ops/reconcile.ts",'), []);
  t.same(offWords("service/src/plugins/auth.ts", "replay store"), []);
  t.same(offWords("service/src/ingest/x.ts", "replay"), ["service/src/ingest/x.ts:1 replay"]);
});
