/** heap-diff finds the constructor that grew between two real snapshots of this process. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeHeapSnapshot } from "node:v8";
import t from "tap";
import { diff, formatDeltas, heapDiffCommand, loadSummary } from "../heap-diff.ts";

class HeapDiffProbe {
  readonly payload = "p".repeat(64) + Math.random();
}

t.test("the allocation kept between snapshots tops the comparison", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "heap-diff-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const kept: HeapDiffProbe[] = [new HeapDiffProbe()];
  const before = writeHeapSnapshot(join(dir, "a.heapsnapshot"));
  for (let i = 0; i < 5000; i++) kept.push(new HeapDiffProbe());
  const after = writeHeapSnapshot(join(dir, "b.heapsnapshot"));
  const deltas = diff(await loadSummary(before), await loadSummary(after));
  const probe = deltas.find((d) => d.name === "HeapDiffProbe");
  t.ok((probe?.countBefore ?? 0) < 5, "a handful before (the instance, its class and prototype)");
  t.equal(probe?.countDelta, 5000);
  t.ok(
    deltas
      .slice(0, 5)
      .some((d) => d.name === "HeapDiffProbe" || d.name === "(concatenated string)" || d.name === "(string)"),
    "it is among the top growers",
  );
  t.match(formatDeltas(deltas, 40).join("\n"), /HeapDiffProbe\s+\d\s+50\d\d\s+5000\s+\+\d+\.\d KiB/);
  const lines: string[] = [];
  t.equal(await heapDiffCommand([before, after, "--json", "--top", "3"], (l) => lines.push(l)), 0);
  t.equal(JSON.parse(lines.join("\n")).length, 3, "the command prints the top N as JSON");
  t.ok(kept.length > 0);
});

t.test("without two snapshots the command refuses with its usage", async (t) => {
  await t.rejects(heapDiffCommand(["only-one.heapsnapshot"]), { code: "ERR_USAGE", message: /usage: heap-diff/ });
});
