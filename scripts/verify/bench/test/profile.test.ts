import t from "tap";
import { groupOf, summarizeProfile } from "../profile.ts";

t.test("frames are grouped by package, Node module, project file, GC and idle", async (t) => {
  t.equal(groupOf("file:///w/node_modules/@smithy/core/dist/a.js", "f"), "@smithy/core");
  t.equal(groupOf("file:///w/node_modules/fastify/lib/route.js", "f"), "fastify");
  t.equal(groupOf("file:///w/node_modules/.pnpm/x/node_modules/pg/lib/c.js", "f"), "pg");
  t.equal(groupOf("node:internal/streams/readable", "f"), "node:internal");
  t.equal(groupOf("file:///work/main/service/src/ingest/base64.ts", "f"), "service/src/ingest/base64.ts");
  t.equal(groupOf("", "(garbage collector)"), "GC");
  t.equal(groupOf("", "(idle)"), "(idle)");
  t.equal(groupOf("", "(program)"), "V8 (program)");
  t.equal(groupOf("", "digest"), "native digest");
});

t.test("self time is summed per group, idle and the profiler itself left out of the busy time", async (t) => {
  const frame = (id: number, url: string, functionName = "f") => ({ id, callFrame: { url, functionName } });
  const profile = {
    nodes: [
      frame(1, "", "(idle)"),
      frame(2, "file:///w/node_modules/@aws-sdk/core/x.js", "sign"),
      frame(3, "file:///w/node_modules/fastify/y.js", "route"),
      frame(4, "node:inspector", "post"),
    ],
    samples: [1, 2, 2, 3, 4, 2],
    timeDeltas: [5000, 1000, 1000, 2000, 3000, 1000],
  };
  const s = summarizeProfile(profile);
  t.equal(s.idleMs, 5);
  t.equal(s.profilerMs, 3);
  t.equal(s.busyMs, 5);
  t.same(
    s.byGroup.map((g) => [g.name, g.ms, g.pct]),
    [
      ["@aws-sdk/core", 3, 60],
      ["fastify", 2, 40],
    ],
  );
  t.equal(s.topFunctions[0]?.name, "sign @aws-sdk/core");
});
