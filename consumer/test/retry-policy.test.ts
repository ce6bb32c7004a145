import t from "tap";
import {
  backoffSeconds,
  lockDeferSeconds,
  MAX_DELAY_SECONDS,
  throttleDeferSeconds,
  throttleWaitMs,
} from "../src/retry-policy.ts";

t.test("backoff grows exponentially with jitter and respects the cap", async (t) => {
  const fourth = Array.from({ length: 200 }, () => backoffSeconds(4, 10, 900));
  t.ok(
    fourth.every((s) => s >= 10 && s <= 80),
    "attempt 4 waits between base and base * 2^3",
  );
  t.ok(new Set(fourth).size > 10, "jittered");
  t.ok(
    Array.from({ length: 200 }, () => backoffSeconds(20, 10, 900)).every((s) => s <= 900),
    "never above the cap",
  );
});

t.test("backoff spans the whole range from base to the attempt's ceiling (full jitter)", async (t) => {
  t.equal(
    backoffSeconds(4, 10, 900, () => 0),
    10,
    "lowest draw: the base",
  );
  t.equal(
    backoffSeconds(4, 10, 900, () => 0.999_999),
    80,
    "highest draw: base * 2^3",
  );
  t.equal(
    backoffSeconds(1, 10, 900, () => 0.999_999),
    10,
    "the first retry waits the base",
  );
  t.equal(
    backoffSeconds(0, 10, 900, () => 0.5),
    10,
    "attempt 0 is treated as the first",
  );
  t.equal(
    backoffSeconds(3, 0, 900, () => 0.5),
    1,
    "never under one second",
  );
});

t.test("a throttle defers as long as asked, within SQS's DelaySeconds range", async (t) => {
  t.equal(throttleDeferSeconds(0), 1, "at least one second");
  t.equal(throttleDeferSeconds(1_001), 2, "whole seconds, rounded up");
  t.equal(throttleDeferSeconds(60_000), 60, "a code 44 pause: one window");
  t.equal(throttleDeferSeconds(86_400_000), MAX_DELAY_SECONDS, "a daily-quota pause is capped at 900 s");
});

t.test("a held lock defers until it would lapse, plus a second", async (t) => {
  t.equal(lockDeferSeconds(0), 1);
  t.equal(lockDeferSeconds(2_999), 4);
  t.equal(lockDeferSeconds(120_000), 121);
});

t.test("an in-process throttle wait adds under 250 ms of jitter", async (t) => {
  t.equal(
    throttleWaitMs(1_000, () => 0),
    1_000,
  );
  t.equal(
    throttleWaitMs(1_000, () => 0.999_999),
    1_249,
  );
  const waits = Array.from({ length: 200 }, () => throttleWaitMs(500));
  t.ok(
    waits.every((w) => w >= 500 && w < 750),
    "between the pause and the pause + 250 ms",
  );
  t.ok(new Set(waits).size > 10, "jittered");
});
