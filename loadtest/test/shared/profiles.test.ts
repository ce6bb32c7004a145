import t from "tap";
import { workerSchema } from "../../../lib/config.ts";
import { deliveryBudgetSeconds, forecastBacklog } from "../../shared/backlog.ts";
import {
  arrivalTimes,
  BASELINE_BILLS_PER_HOUR,
  baselineProfile,
  burstProfile,
  compressProfile,
  expectedArrivals,
  FLEET_REQUESTS_PER_MINUTE,
  isFlat,
  peakPerHour,
  profileDurationSeconds,
  rateAt,
  scaleProfileRates,
  smokeProfile,
  soakProfile,
  spikeProfile,
  zohoBillsPerHour,
} from "../../shared/profiles.ts";
import { arrivalScenario, k6Duration } from "../../shared/scenario.ts";
import { DELIVERY_FLOOR_SECONDS } from "../../shared/slo.ts";

const sizing = { typicalIterationSeconds: 0.8, maxIterationSeconds: 10 };

/** Bills per hour a k6 scenario sends, read back from its own fields. */
function perHourOf(s: ReturnType<typeof arrivalScenario>): number {
  if (s.executor !== "constant-arrival-rate") throw new Error("not constant");
  return (s.rate / Number.parseFloat(s.timeUnit)) * 3600;
}

t.test("baseline and soak send 1,000 bills per hour", async (t) => {
  t.equal(BASELINE_BILLS_PER_HOUR, 1000);
  const baseline = arrivalScenario(baselineProfile(), "ingest", sizing);
  t.equal(baseline.executor, "constant-arrival-rate");
  t.equal(perHourOf(baseline), 1000);
  t.equal(expectedArrivals(baselineProfile(1800)), 500);
  t.equal(perHourOf(arrivalScenario(soakProfile(6 * 3600), "ingest", sizing)), 1000);
  t.equal(expectedArrivals(soakProfile(6 * 3600)), 6000);
});

t.test("spike-10x ramps linearly from 1,000 to 10,000 bills per hour and back", async (t) => {
  const spike = spikeProfile();
  t.equal(peakPerHour(spike), 10_000);
  t.notOk(isFlat(spike));
  t.equal(rateAt(spike, 0), 1000);
  t.equal(rateAt(spike, 300 + 150), 5500, "half way up the ramp");
  t.equal(rateAt(spike, 600 + 300), 10_000, "holding at 10x");
  t.equal(rateAt(spike, 1200 + 150), 5500, "half way down");
  t.equal(rateAt(spike, 2099), 1000, "recovering at baseline");
  t.equal(rateAt(spike, 2100), 0, "nothing after the end");
  t.equal(profileDurationSeconds(spike), 35 * 60);
  // 5 min at 1k + ramp (avg 5.5k) 5 min + 10 min at 10k + ramp 5 min + 10 min at 1k
  t.equal(
    Math.round(expectedArrivals(spike)),
    Math.round((1000 * 5 + 5500 * 5 + 10_000 * 10 + 5500 * 5 + 1000 * 10) / 60),
  );
  const s = arrivalScenario(spike, "ingest", sizing);
  t.equal(s.executor, "ramping-arrival-rate");
  if (s.executor !== "ramping-arrival-rate") return;
  t.equal(s.timeUnit, "1h");
  t.equal(s.startRate, 1000);
  t.same(s.stages, [
    { duration: "300s", target: 1000 },
    { duration: "300s", target: 10_000 },
    { duration: "600s", target: 10_000 },
    { duration: "300s", target: 1000 },
    { duration: "600s", target: 1000 },
  ]);
  t.equal(s.maxVUs, Math.ceil((10_000 / 3600) * 10) + 1, "VU ceiling = peak arrivals/s x worst iteration");
});

t.test("burst-5000 is exactly 5,000 bills in its window", async (t) => {
  const burst = burstProfile();
  t.equal(expectedArrivals(burst), 5000);
  const s = arrivalScenario(burst, "ingest", sizing);
  t.match(s, { executor: "constant-arrival-rate", rate: 5000, timeUnit: "120s", duration: "120s" });
  t.equal(expectedArrivals(burstProfile(7)), 5000, "any window");
  t.match(arrivalScenario(burstProfile(7), "ingest", sizing), { rate: 5000, timeUnit: "7s" });
});

t.test("smoke sends a handful of bills", async (t) => {
  t.equal(expectedArrivals(smokeProfile()), 6);
  t.throws(() => smokeProfile(0), RangeError);
});

t.test("compression keeps the shape and the total", async (t) => {
  const spike = spikeProfile();
  const fast = compressProfile(spike, 30);
  t.equal(profileDurationSeconds(fast), profileDurationSeconds(spike) / 30);
  t.equal(peakPerHour(fast), 300_000);
  t.equal(Math.round(expectedArrivals(fast)), Math.round(expectedArrivals(spike)));
  const slow = forecastBacklog(spike, zohoBillsPerHour());
  const quick = forecastBacklog(fast, zohoBillsPerHour() * 30);
  t.ok(Math.abs(quick.peakBacklog - slow.peakBacklog) / slow.peakBacklog < 0.02, "same peak backlog");
  t.ok(Math.abs(quick.maxWaitSeconds * 30 - slow.maxWaitSeconds) / slow.maxWaitSeconds < 0.05, "waits scale with time");
  t.throws(() => compressProfile(spike, 0), RangeError);
});

t.test("the backlog model: no queue under capacity, a drain time over it", async (t) => {
  t.equal(FLEET_REQUESTS_PER_MINUTE, 98, "Zoho's 100 a minute less 2 for a stray call of another integration");
  t.equal(
    FLEET_REQUESTS_PER_MINUTE,
    workerSchema.shape.ZOHO_RATE_LIMIT_PER_MINUTE.parse(undefined),
    "the copy k6 can load is lib/config.ts's default",
  );
  t.equal(zohoBillsPerHour(), 98 * 60, "5,880: the fleet's 98 requests/min, one call per created bill");
  t.equal(zohoBillsPerHour(100, 2), 3000);
  const calm = forecastBacklog(baselineProfile(), zohoBillsPerHour());
  t.equal(calm.peakBacklog, 0);
  t.equal(calm.drainedAtSeconds, 0);
  t.equal(deliveryBudgetSeconds(baselineProfile()), DELIVERY_FLOOR_SECONDS);

  // 5,000 bills in 2 minutes against 98 bills/min: 5,000 - 2 x 98 = 4,804 queued at the end, which
  // take 4,804 / 98 = 49.02 more minutes to drain.
  const burst = forecastBacklog(burstProfile(), zohoBillsPerHour());
  const queued = 5000 - 2 * 98;
  const drainSeconds = (queued / 98) * 60;
  t.ok(Math.abs(burst.peakBacklog - queued) < 1, `peak ${burst.peakBacklog}`);
  t.ok(Math.abs(burst.drainedAtSeconds - (120 + drainSeconds)) < 2, `drained at ${burst.drainedAtSeconds}`);
  t.ok(Math.abs(burst.maxWaitSeconds - drainSeconds) < 2);
  t.equal(
    deliveryBudgetSeconds(burstProfile()),
    Math.ceil(DELIVERY_FLOOR_SECONDS + burst.maxWaitSeconds * 1.25),
    "the budget: the longest wait plus 25 %, on the floor",
  );
  t.equal(burst.series.at(-1)?.backlog, 0, "series ends drained");

  // spike-10x against capacity c = 5,880/h: each 300 s ramp between 1,000 and 10,000 spends
  // a = 300 x (10,000 - c) / 9,000 s above c, so the queue grows from 300 + (300 - a) s to 1,200 + a s
  // (when the ramp down falls to c) and peaks at (600 + a) x (10,000 - c) / 3,600 bills (the hold plus
  // two triangles). It then drains at c - rate: the rest of the ramp down, then c - 1,000 per hour.
  const c = zohoBillsPerHour();
  const above = (300 * (10_000 - c)) / 9000;
  const peak = ((600 + above) * (10_000 - c)) / 3600;
  const drainedInRamp = (0.5 * (300 - above) * (c - 1000)) / 3600;
  const drainedAt = 1500 + ((peak - drainedInRamp) / (c - 1000)) * 3600;
  const spike = forecastBacklog(spikeProfile(), c);
  t.ok(Math.abs(spike.peakBacklog - peak) < 1, `peak ${spike.peakBacklog} ~ ${peak}`);
  t.ok(Math.abs(spike.peakAtSeconds - (1200 + above)) <= 1, "peaks while ramping down, when arrivals fall to capacity");
  t.ok(Math.abs(spike.drainedAtSeconds - drainedAt) < 2, `drained at ${spike.drainedAtSeconds} ~ ${drainedAt}`);
  t.ok(
    spike.drainedAtSeconds < profileDurationSeconds(spikeProfile()),
    "at 98/min the queue is empty before the recovery phase ends",
  );
  const at80 = forecastBacklog(spikeProfile(), zohoBillsPerHour(80));
  t.ok(at80.drainedAtSeconds > profileDurationSeconds(spikeProfile()), "at the old 80/min it was still draining");
  t.ok(spike.series.length > 100 && spike.series.length < 300);
  t.equal(deliveryBudgetSeconds(spikeProfile()), Math.ceil(DELIVERY_FLOOR_SECONDS + spike.maxWaitSeconds * 1.25));
  t.throws(() => forecastBacklog(spikeProfile(), 0), RangeError);
});

t.test("k6 durations", async (t) => {
  t.equal(k6Duration(90), "90s");
  t.equal(k6Duration(1.5), "1.5s");
  t.equal(k6Duration(10 / 3), "3.333s");
});

t.test("rate scaling and arrival times for a Node sender", async (t) => {
  const spike = spikeProfile();
  const small = scaleProfileRates(compressProfile(spike, 30), 6 / 30);
  t.equal(profileDurationSeconds(small), 70);
  t.equal(peakPerHour(small), 60_000);
  t.equal(Math.round(expectedArrivals(small)), Math.round((expectedArrivals(spike) * 6) / 30));
  const times = arrivalTimes(small);
  t.equal(times.length, Math.round(expectedArrivals(small)), "one time per bill");
  t.ok(
    times.every((x, i) => i === 0 || x >= times[i - 1]!),
    "in order",
  );
  t.ok(times.at(-1)! < 70);
  const atPeak = times.filter((x) => x >= 20 && x < 40).length;
  const warm = times.filter((x) => x < 10).length;
  t.ok(atPeak / 20 > (warm / 10) * 8, "ten times denser at the peak than while warming up");
  t.equal(arrivalTimes(burstProfile(10, 100)).length, 100);
  t.throws(() => scaleProfileRates(spike, -1), RangeError);
});
