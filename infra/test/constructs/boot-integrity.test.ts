/**
 * The boot script installs a release only if the bundle it downloaded has the SHA-256 the release
 * command recorded with the version (`<version>@sha256:<hex>`), and checks the RDS CA bundle when the
 * environment pins it. The release-install and RDS CA sections of the synthesized script run here
 * under bash, with `aws` and `curl` stubbed and the absolute paths moved into a scratch folder.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import t from "tap";
import { releaseParameterValue } from "../../../lib/naming.ts";
import { production } from "../../src/environments.ts";
import { synth } from "../helpers.ts";
import { tierUserData } from "./tiers.ts";

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");
const bundle = zipSync({ RELEASE: new TextEncoder().encode("1.4.0\n") });
const ca = "-----BEGIN CERTIFICATE-----\nstand-in\n-----END CERTIFICATE-----\n";

/** The lines from `from` up to and including the first line matching `to`. */
function section(script: string, from: RegExp, to: RegExp): string {
  const lines = script.split("\n");
  const start = lines.findIndex((l) => from.test(l));
  const end = lines.findIndex((l, i) => i > start && to.test(l));
  if (start < 0 || end < 0) throw new Error(`no section ${from} .. ${to}`);
  return lines.slice(start, end + 1).join("\n");
}

/** Runs `part` with stub aws/curl; returns the exit status and whether the release was installed. */
function boot(part: string, parameterValue: string): { status: number | null; installed: boolean; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "bill-mw-boot-"));
  writeFileSync(join(dir, "bundle.zip"), bundle);
  writeFileSync(join(dir, "ca.pem"), ca);
  const bin = join(dir, "bin");
  execFileSync("mkdir", ["-p", bin]);
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub(
    "aws",
    `case "$1 $2" in\n"ssm get-parameter") echo '${parameterValue}' ;;\n"s3 cp") cp "${dir}/bundle.zip" "$4" ;;\nesac`,
  );
  stub("curl", `out=""; while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done; cp "${dir}/ca.pem" "$out"`);
  const script = part
    .replaceAll("/opt/bill-middleware", join(dir, "opt"))
    .replaceAll("/tmp/bill-middleware.zip", join(dir, "download.zip"))
    .replaceAll("/etc/bill-middleware", join(dir, "etc"));
  const run = spawnSync("bash", ["-euo", "pipefail", "-c", `mkdir -p ${join(dir, "etc")}\n${script}`], {
    env: { PATH: `${bin}:${process.env.PATH}` },
    encoding: "utf8",
  });
  return { status: run.status, installed: existsSync(join(dir, "opt", "current", "RELEASE")), stderr: run.stderr };
}

const script = (config = production) => tierUserData(synth(config), "workers").replaceAll("$${", "${");

t.test("a bundle is installed only with the SHA-256 recorded with its version", async (t) => {
  const install = section(script(), /^# Release:/, /^rm -f \/tmp\/bill-middleware\.zip/);
  t.match(install, /sha256sum --check --strict/);

  const good = boot(install, releaseParameterValue("1.4.0", sha256(bundle)));
  t.equal(good.status, 0, good.stderr);
  t.ok(good.installed, "the matching bundle is unpacked and made current");

  const swapped = boot(install, releaseParameterValue("1.4.0", sha256("another bundle")));
  t.not(swapped.status, 0, "a bundle with another hash stops the boot");
  t.notOk(swapped.installed, "and is not installed");
  t.match(swapped.stderr, /SHA-256 mismatch/);

  const legacy = boot(install, "1.4.0");
  t.not(legacy.status, 0, "a version recorded without a hash is refused too");
  t.notOk(legacy.installed);
});

t.test("the RDS CA bundle is checked when the environment pins it", async (t) => {
  // synth() is memoized by environment name: each pin gets a name of its own.
  let n = 0;
  const caPart = (pin?: string) =>
    section(
      script({ ...production, name: `capin${n++}`, rdsCaBundleSha256: pin }),
      /truststore\.pki\.rds\.amazonaws\.com/,
      /RDS CA bundle/,
    );
  t.match(caPart(), /not pinned/, "unpinned by default, and the script says so");

  t.equal(boot(caPart(sha256(ca)), "").status, 0, "the pinned bundle passes");
  const wrong = boot(caPart(sha256("another CA")), "");
  t.not(wrong.status, 0, "another CA bundle stops the boot");
  t.match(wrong.stderr, /RDS CA bundle: SHA-256 mismatch/);

  t.throws(() => caPart("not-a-hash"), /64 hex characters/, "a malformed pin fails the synth");
});
