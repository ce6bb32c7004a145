/**
 * CI short version of `npm run chaos`: the same runner with 300 bills and a compressed fault
 * schedule (one fault every ~1.5 s, every kind at least once while bills are being sent).
 * Nothing accepted may be duplicated, lost or corrupted, and every fault kind must have fired.
 */
import { readFileSync } from "node:fs";
import t from "tap";
import { FAULT_KINDS, resolveOptions } from "../options.ts";
import { formatSummary, runChaos } from "../run.ts";
import { CHAOS_MAX_RECEIVES, CHAOS_VISIBILITY_S } from "../stack-env.ts";

// Typical run: about 60 s. The worst case waits out the sweeper's safety net (below).
t.setTimeout(240_000);

t.test("chaos short run: exactly once under every fault kind", async (t) => {
  const out = t.testdir();
  const started = Date.now();
  const summary = await runChaos(
    resolveOptions({
      bills: 300,
      rate: 15,
      concurrency: 8,
      workers: 3,
      pdfBytes: 4096,
      faultEveryMs: 1_500,
      minRounds: 1,
      // Longer than the sweeper's "unclaimed" horizon (visibility x receives + 20 s = 120 s): a
      // message the stand-in loses is re-sent by the sweeper, the system's own safety net, and the
      // promise is judged with it. 1 run in 4 on the shared moto needed it (ae4475e5, 2026-12-02).
      drainTimeoutMs: (CHAOS_VISIBILITY_S * CHAOS_MAX_RECEIVES + 20 + 30) * 1000,
      sendDeadlineMs: 60_000,
      seed: 20261124,
      out,
      verbose: false,
      // The correctness stand-in the suite already runs (with moto's delete race patched); the
      // load stand-ins are installed by `npm run chaos` and the bench only.
      standIns: "moto",
    }),
  );
  t.comment(formatSummary(summary));
  t.comment(`wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);

  t.equal(summary.accepted, 300, "the service accepted every bill (the sender retries 5xx/429/network errors)");
  t.equal(summary.duplicated, 0, "no bill reached Zoho twice (or with two documents)");
  t.equal(summary.lost, 0, "no accepted bill is missing from Zoho without a failed row");
  t.equal(summary.corrupt, 0, "every Zoho document is the PDF that was sent");
  t.equal(summary.inconsistent, 0, "every delivered bill's row says success with its Zoho bill id");
  t.not(summary.timeToDrainMs, null, "every accepted bill settled before the drain timeout");
  t.equal(
    summary.deliveredExactlyOnce + summary.failed,
    summary.accepted,
    "each accepted bill is delivered exactly once or visibly failed",
  );
  t.same(
    summary.processes.unexpectedExits.filter((e) => e.afterReady),
    [],
    "no running process crashed on its own (a worker may refuse to boot while Postgres is down; it is restarted)",
  );
  for (const kind of FAULT_KINDS) {
    t.ok(summary.faults[kind].applied >= 1, `${kind} was applied`);
    t.ok(summary.faults[kind].fired >= 1, `${kind} took effect (fired ${summary.faults[kind].fired})`);
  }
  const written = JSON.parse(readFileSync(summary.summaryPath, "utf8")) as { runId: string; ok: boolean };
  t.equal(written.runId, summary.runId, "the summary JSON was written");
  t.equal(written.ok, true);
});
