/**
 * The leak drill as a test (about 15 s): the real service with the preloaded leak, the
 * memory-leak runbook's own snapshot and compare blocks, and the leaking allocation found.
 * Fails if a snapshot signal stops the service or the runbook's commands stop working.
 */
import t from "tap";
import { drill, drillBlock } from "../run.ts";

t.test("the memory-leak runbook finds the drill's leak", async (t) => {
  const lines: string[] = [];
  const { countDelta, sent } = await drill((s) => lines.push(s));
  t.ok(countDelta >= sent * 0.95, `LeakDrillRequestRecord +${countDelta} for ${sent} requests`);
  t.match(lines.join("\n"), /^LeakDrillRequestRecord\s+\d+\s+\d+\s+\d+/m, "the comparison shows the leaking class");
});

t.test("a runbook without the marked blocks is reported", async (t) => {
  t.throws(() => drillBlock("# nothing here", "snapshot"), /no "drill: snapshot" bash block/);
});
