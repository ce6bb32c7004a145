import t from "tap";
import { latencySummary, median, percentile, round } from "../stats.ts";

t.test("nearest-rank percentiles", async (t) => {
  const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
  t.equal(percentile(xs, 50), 50);
  t.equal(percentile(xs, 95), 95);
  t.equal(percentile(xs, 99), 99);
  t.equal(percentile(xs, 100), 100);
  t.equal(percentile(xs, 0), 1);
  t.equal(median([3, 1, 2]), 2);
  t.ok(Number.isNaN(percentile([], 50)));
  t.same(xs.slice(0, 2), [100, 99], "input left unsorted");
});

t.test("summaries and rounding", async (t) => {
  t.same(latencySummary([1, 2, 3, 4, 100]), { p50: 3, p95: 100, p99: 100, max: 100 });
  t.equal(round(1.23456, 2), 1.23);
  t.equal(round(1.5, 0), 2);
});
