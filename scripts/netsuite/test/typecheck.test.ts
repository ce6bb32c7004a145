/**
 * The root tsconfig excludes scripts/netsuite (different library, N/* paths), so the root test run
 * type-checks it here: the SuiteScript sources against @hitc/netsuite-types with ES2019 and no Node
 * types, then the tests and the build script with Node's types.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import t from "tap";

const NETSUITE = join(dirname(fileURLToPath(import.meta.url)), "..");
// TypeScript 7's tsc is a native binary behind a Node launcher; tap's process hooks break the
// launcher, so run the binary it would run.
const GET_EXE = pathToFileURL(join(NETSUITE, "..", "..", "node_modules", "typescript", "lib", "getExePath.js"));
const tsc = ((await import(GET_EXE.href)) as { default: () => string }).default();

for (const project of ["tsconfig.json", "test/tsconfig.json"]) {
  t.test(`tsc -p scripts/netsuite/${project} --noEmit is clean`, async (t) => {
    const result = spawnSync(tsc, ["-p", join(NETSUITE, project), "--noEmit"], { encoding: "utf8", timeout: 60_000 });
    t.equal(result.status, 0, result.stdout + result.stderr);
  });
}
