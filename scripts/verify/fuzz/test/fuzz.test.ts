/**
 * CI's short fuzz run: schemathesis against the real service (isolated env, loopback port), a few
 * hundred cases per operation with a key and a few dozen without, fixed seed. Fails on any check
 * failure (5xx, undocumented status, schema or content-type mismatch, accepted invalid data) and on
 * anything stored that no 2xx answer accounts for. The full run is `npm run fuzz` (scripts/verify/fuzz/README.md).
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { formatSummary, fuzzService } from "../fuzz.ts";

const KEYED = Number(process.env.FUZZ_CI_MAX_EXAMPLES ?? 200);
t.setTimeout(240_000);

t.test("schemathesis finds no failure and no bad request leaves anything behind", async (t) => {
  const workDir = await mkdtemp(join(tmpdir(), "fuzz-ci-"));
  const s = await fuzzService(
    {
      maxExamples: KEYED,
      keylessMaxExamples: 30,
      seed: Number(process.env.FUZZ_SEED ?? 20261124),
      workers: 2,
      workDir,
    },
    t,
  );
  t.comment(formatSummary(s));
  for (const r of s.runs) {
    t.equal(r.exitCode, 0, `${r.name}: schemathesis exit 0${r.exitCode === 0 ? "" : `\n${r.output.slice(-6000)}`}`);
    t.ok(r.report, `${r.name}: JSON report written`);
    t.equal(r.report?.test_cases.unique_failures, 0, `${r.name}: no failures`);
    t.equal(r.report?.test_cases.errored, 0, `${r.name}: no errored cases`);
  }
  for (const op of ["POST /api/v1/bills", "POST /api/convert/base64-to-binary", "GET /api/v1/transactions/{id}"]) {
    const n = s.casesPerOperation.get(`keyed ${op}`) ?? 0;
    t.ok(n >= KEYED, `keyed ${op}: ${n} requests answered (>= ${KEYED})`);
  }
  t.ok(s.leftovers.created > 0, `the storing path was reached: ${s.leftovers.created} bills created`);
  t.same(s.leftovers.problems, [], "every row, object and message belongs to a 2xx answer");
  t.equal(s.answers.size > 0 && [...s.answers.keys()].some((k) => / 5\d\d( |$)/.test(k)), false, "no 5xx answer");
});
