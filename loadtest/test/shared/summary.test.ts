import t from "tap";
import { evaluateThreshold, failedThresholds, normalizeSummary, renderHtml, renderText } from "../../shared/summary.ts";

t.test("threshold expressions", async (t) => {
  const v = { "p(95)": 250, "p(99)": 900, med: 80, rate: 0.002, count: 0 };
  t.equal(evaluateThreshold("p(95)<300", v), true);
  t.equal(evaluateThreshold("p(99)<800", v), false);
  t.equal(evaluateThreshold("p(50)<100", v), true, "p(50) reads med");
  t.equal(evaluateThreshold("rate<0.01", v), true);
  t.equal(evaluateThreshold("count==0", v), true);
  t.equal(evaluateThreshold("count>=1", v), false);
  t.equal(evaluateThreshold("count!=0", v), false);
  t.equal(evaluateThreshold("rate>0.001", v), true);
  t.equal(evaluateThreshold("count<=0", v), true);
  t.equal(evaluateThreshold("p(90)<1", v), undefined, "missing statistic");
  t.equal(evaluateThreshold("avg < abc", v), undefined, "not an expression");
});

const legacy = {
  state: { testRunDurationMs: 60_500 },
  root_group: {
    checks: [{ name: "ingest answered 202", passes: 6, fails: 0 }],
    groups: [{ checks: [{ name: "bill delivered", passes: 5, fails: 1 }], groups: [] }],
  },
  metrics: {
    http_reqs: { type: "counter", contains: "default", values: { count: 40, rate: 0.66 } },
    bill_delivery_time: {
      type: "trend",
      contains: "time",
      values: { med: 900, "p(95)": 2400 },
      thresholds: { "p(95)<30000": { ok: true } },
    },
    bill_delivery_failed: {
      type: "rate",
      contains: "default",
      values: { rate: 1 / 6 },
      thresholds: { "rate<0.01": { ok: false } },
    },
  },
};

t.test("the classic summary shape", async (t) => {
  const s = normalizeSummary(legacy, "k6 smoke");
  t.equal(s.passed, false);
  t.equal(s.durationSeconds, 60.5);
  t.same(failedThresholds(s), ["bill_delivery_failed: rate<0.01"]);
  t.same(
    s.checks.map((c) => c.name),
    ["ingest answered 202", "bill delivered"],
    "nested groups walked",
  );
  const text = renderText(s);
  t.match(text, /^k6 smoke: FAILED in 61s/);
  t.match(text, /✓ bill_delivery_time: p\(95\)<30000 {2}\(med=900ms p\(95\)=2.40s\)/);
  t.match(text, /✗ bill_delivery_failed: rate<0.01 {2}\(rate=16.67%\)/);
  t.match(text, /✗ bill delivered: 5 passed, 1 failed/);
  const html = renderHtml({ ...s, title: "<script>x</script>" });
  t.notMatch(html, /<script>/, "escaped");
  t.match(html, /class="bad">✗ rate&lt;0.01/);
});

t.test("the machine-readable v1 shape, thresholds re-evaluated from the script's config", async (t) => {
  const v1 = {
    version: "1.0.0",
    metadata: { generatedAt: "2026-11-24T10:00:00Z", k6Version: "2.3.0" },
    config: { execution: "local", duration: 2100 },
    results: {
      passed: false,
      metrics: [
        {
          name: "http_req_duration{name:ingest}",
          type: "trend",
          contains: "time",
          category: "http",
          values: { "p(95)": 120, "p(99)": 950, count: 10 },
        },
        {
          name: "dropped_iterations",
          type: "counter",
          contains: "default",
          category: "execution",
          values: { count: 0, rate: 0 },
        },
      ],
      checks: { metrics: [], results: [{ name: "ingest answered 202", passes: 10, fails: 0 }] },
    },
  };
  const s = normalizeSummary(v1, "k6 spike-10x", {
    "http_req_duration{name:ingest}": ["p(95)<300", { threshold: "p(99)<800" }],
    dropped_iterations: ["count==0"],
    bill_delivery_time: ["p(95)<1000"],
  });
  t.equal(s.passed, false);
  t.equal(s.durationSeconds, 2100);
  t.same(failedThresholds(s), ["http_req_duration{name:ingest}: p(99)<800"]);
  t.same(s.checks, [{ name: "ingest answered 202", passes: 10, fails: 0 }]);
  t.match(renderText(s), /✓ dropped_iterations: count==0/);
});

t.test("garbage in, an empty summary out", async (t) => {
  const s = normalizeSummary("nonsense", "x");
  t.same(s.metrics, []);
  t.equal(s.passed, true);
  t.equal(s.durationSeconds, undefined);
  t.match(renderHtml(s), /Duration: n\/a/);
});
