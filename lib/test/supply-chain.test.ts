/**
 * The build's inputs are pinned: every workflow action by commit SHA (a moved tag cannot change
 * what runs), Node by exact version, and CI installs the lockfile with `npm ci`. The shell helpers
 * run in a scratch copy of the checkout with `npm` and `node` stubbed, so nothing is installed.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";

const root = new URL("../../", import.meta.url).pathname;

t.test("every workflow action is pinned to a commit SHA, with its version as a comment", async (t) => {
  const dir = join(root, ".github/workflows");
  const uses = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) =>
      readFileSync(join(dir, f), "utf8")
        .split("\n")
        .filter((l) => /^\s*(-\s+)?uses:/.test(l))
        .map((l) => ({ f, l: l.trim() })),
    );
  t.ok(uses.length >= 2, `${uses.length} actions found`);
  for (const { f, l } of uses) t.match(l, /uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, `${f}: ${l}`);
});

/** Runs `fn` of scripts/dev/common.sh in a scratch checkout; returns what the stubbed npm was asked. */
function runHelper(fn: string, env: Record<string, string>): string[] {
  const scratch = mkdtempSync(join(tmpdir(), "supply-"));
  try {
    mkdirSync(join(scratch, "scripts/dev"), { recursive: true });
    mkdirSync(join(scratch, "bin"));
    mkdirSync(join(scratch, "node_modules"));
    copyFileSync(join(root, "scripts/dev/common.sh"), join(scratch, "scripts/dev/common.sh"));
    copyFileSync(join(root, ".nvmrc"), join(scratch, ".nvmrc"));
    writeFileSync(join(scratch, "package-lock.json"), "{}");
    const calls = join(scratch, "npm-calls");
    writeFileSync(join(scratch, "bin/npm"), `#!/bin/sh\necho "$*" >> "${calls}"\n`);
    writeFileSync(join(scratch, "bin/node"), "#!/bin/sh\necho 20\n"); // an old machine Node
    chmodSync(join(scratch, "bin/npm"), 0o755);
    chmodSync(join(scratch, "bin/node"), 0o755);
    // A subshell: ensure_node dies (exit 1) when the stub "installed" Node still reports 20.
    const script = `. "${scratch}/scripts/dev/common.sh"; (${fn}) || true`;
    execFileSync("bash", ["-c", script], {
      env: { PATH: `${join(scratch, "bin")}:/usr/bin:/bin`, ...env },
      stdio: "ignore",
    });
    return readFileSync(calls, "utf8").trim().split("\n");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

t.test("Node is installed at an exact version of the .nvmrc major", async (t) => {
  const [call] = runHelper("ensure_node", {});
  const version = /node@(\S+)/.exec(call ?? "")?.[1] ?? "";
  t.match(version, /^\d+\.\d+\.\d+$/, `npm ${call}`);
  t.equal(version.split(".")[0], readFileSync(join(root, ".nvmrc"), "utf8").trim());
});

t.test("CI installs dependencies with npm ci; a laptop with node_modules updates in place", async (t) => {
  t.match(runHelper("ensure_npm_deps", { CI: "true" })[0], /^ci /);
  t.match(runHelper("ensure_npm_deps", {})[0], /^install /);
});
