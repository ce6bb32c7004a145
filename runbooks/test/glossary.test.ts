/**
 * The runbooks speak the glossary (docs/glossary.md): none of its unused words, and every on-call
 * command they name (`bill-mw-ops <command>`, `scripts/ops/<file>.ts`) is one the release ships.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { OPS_COMMANDS } from "../../lib/naming.ts";
import { OPS_ENTRY_POINTS } from "../../scripts/release/release.ts";
import { ROOT, readRunbook, runbookFiles } from "./markdown.ts";

/** The glossary's "words we do not use", and "reconciler": reconcile means the finance report only. */
const UNUSED = /\b(re-?queue\w*|replay\w*|re-?send\w*|reconciler)\b/gi;

t.test("runbooks use none of the glossary's unused words", async (t) => {
  for (const file of await runbookFiles()) {
    const found = [...(await readRunbook(file)).matchAll(UNUSED)].map((m) => m[0]);
    t.same(found, [], `${file} says enqueue, retry, defer, redrive or settle instead`);
  }
});

t.test("every bill-mw-ops command a runbook names is shipped, and its source exists", async (t) => {
  const shipped = new Set<string>(OPS_COMMANDS);
  let named = 0;
  for (const file of await runbookFiles()) {
    for (const m of (await readRunbook(file)).matchAll(/bill-mw-ops ([a-z][\w-]*)/g)) {
      if (m[1] === "runs") continue; // prose: "bill-mw-ops runs ..."
      named++;
      t.ok(shipped.has(m[1] ?? ""), `${file}: bill-mw-ops ${m[1]} is in OPS_COMMANDS`);
    }
  }
  t.ok(named >= 3, `${named} bill-mw-ops commands named in the runbooks`);
  for (const command of OPS_COMMANDS) {
    const source = OPS_ENTRY_POINTS[command];
    t.ok(existsSync(join(ROOT, source)), `${command} -> ${source} exists`);
    t.equal(source, `scripts/ops/${command}.ts`, `${command}: the file is named after the command`);
  }
});
