/**
 * Load profiles shared by the k6 scripts (loadtest/k6/) and the local benchmark (scripts/verify/bench/):
 * arrival rates as piecewise-linear stages, and the fleet's delivery rate under Zoho's limit. The
 * backlog model is backlog.ts, k6's scenario objects scenario.ts. No Node built-ins and no k6
 * imports: k6 loads this file as it is (k6 >= 0.57 strips the types with esbuild).
 */

/** Bills per hour NetSuite sends on a normal business day (the seed's baseline). */
export const BASELINE_BILLS_PER_HOUR = 1_000;
/** The monthly test: ten times the baseline. */
export const SPIKE_MULTIPLIER = 10;
/** One NetSuite Map/Reduce batch (month-end close). */
export const BURST_BILLS = 5_000;

/**
 * Zoho Books allows 100 API requests per minute per organization (shared/reference/anchors.md).
 * The worker fleet spends at most 98 of them (lib/config.ts ZOHO_RATE_LIMIT_PER_MINUTE's default;
 * its limiter counts a call until a window after it ends, so arrival delays need no headroom, and
 * 2 are left for a stray call of another integration), and a first attempt creates the bill with its
 * PDF in one call (consumer/src/delivery/find-or-create.ts; the ZohoCallsPerBill metric shows the
 * real figure). A copy, not an import: k6 cannot load lib/config.ts; a test keeps the two equal.
 */
export const FLEET_REQUESTS_PER_MINUTE = 98;
export const ZOHO_CALLS_PER_BILL = 1;

/** Bills per hour the whole worker fleet can deliver under its share of Zoho's limit. */
export function zohoBillsPerHour(
  requestsPerMinute: number = FLEET_REQUESTS_PER_MINUTE,
  callsPerBill: number = ZOHO_CALLS_PER_BILL,
): number {
  return (requestsPerMinute / callsPerBill) * 60;
}

/** One stage: the rate moves linearly from the previous stage's target to `targetPerHour`. */
export interface RateStage {
  readonly durationSeconds: number;
  readonly targetPerHour: number;
}

/** An open-model arrival profile: bills arrive at a rate independent of how fast the service answers. */
export interface ArrivalProfile {
  readonly name: string;
  readonly description: string;
  /** Rate at t = 0, in bills per hour. */
  readonly startPerHour: number;
  readonly stages: readonly RateStage[];
}

/** A few bills, each followed to delivery: does the whole path work at all? */
export function smokeProfile(durationSeconds = 60, billsPerHour = 360): ArrivalProfile {
  return flat("smoke", "a few bills, each followed until delivered", billsPerHour, durationSeconds);
}

/** A normal hour: 1,000 bills per hour, 30 minutes by default. */
export function baselineProfile(durationSeconds = 30 * 60): ArrivalProfile {
  return flat("baseline", "1,000 bills/hour, steady", BASELINE_BILLS_PER_HOUR, durationSeconds);
}

/** Hours at the baseline rate, to catch leaks (memory, connections, partitions). */
export function soakProfile(durationSeconds = 4 * 3600): ArrivalProfile {
  return flat("soak", "1,000 bills/hour for hours", BASELINE_BILLS_PER_HOUR, durationSeconds);
}

/** Timings of the spike profile, in seconds. */
export interface SpikeShape {
  readonly warmSeconds: number;
  readonly rampUpSeconds: number;
  readonly holdSeconds: number;
  readonly rampDownSeconds: number;
  readonly recoverySeconds: number;
}

export const DEFAULT_SPIKE_SHAPE: SpikeShape = {
  warmSeconds: 5 * 60,
  rampUpSeconds: 5 * 60,
  holdSeconds: 10 * 60,
  rampDownSeconds: 5 * 60,
  recoverySeconds: 10 * 60,
};

/** Baseline, ramp to ten times the baseline, hold, ramp back, and watch the recovery at baseline. */
export function spikeProfile(shape: SpikeShape = DEFAULT_SPIKE_SHAPE): ArrivalProfile {
  const base = BASELINE_BILLS_PER_HOUR;
  const peak = BASELINE_BILLS_PER_HOUR * SPIKE_MULTIPLIER;
  return {
    name: "spike-10x",
    description: "1,000 → 10,000 bills/hour and back (the monthly test)",
    startPerHour: base,
    stages: [
      { durationSeconds: shape.warmSeconds, targetPerHour: base },
      { durationSeconds: shape.rampUpSeconds, targetPerHour: peak },
      { durationSeconds: shape.holdSeconds, targetPerHour: peak },
      { durationSeconds: shape.rampDownSeconds, targetPerHour: base },
      { durationSeconds: shape.recoverySeconds, targetPerHour: base },
    ],
  };
}

/**
 * A batch of 5,000 bills sent within `windowSeconds`. NetSuite's Map/Reduce sends from at most its
 * concurrency limit of processors, so the default 2-minute window is a deliberate upper bound.
 */
export function burstProfile(windowSeconds = 120, bills: number = BURST_BILLS): ArrivalProfile {
  return flat("burst-5000", `${bills} bills within ${windowSeconds}s`, (bills * 3600) / windowSeconds, windowSeconds);
}

function flat(name: string, description: string, perHour: number, durationSeconds: number): ArrivalProfile {
  if (!(durationSeconds > 0) || !(perHour > 0)) throw new RangeError(`${name}: rate and duration must be > 0`);
  return { name, description, startPerHour: perHour, stages: [{ durationSeconds, targetPerHour: perHour }] };
}

/** Total length of the profile in seconds. */
export function profileDurationSeconds(profile: ArrivalProfile): number {
  return profile.stages.reduce((sum, s) => sum + s.durationSeconds, 0);
}

/** Highest rate anywhere in the profile, bills per hour. */
export function peakPerHour(profile: ArrivalProfile): number {
  return profile.stages.reduce((max, s) => Math.max(max, s.targetPerHour), profile.startPerHour);
}

/** True when the rate never changes (one constant-arrival-rate scenario describes it exactly). */
export function isFlat(profile: ArrivalProfile): boolean {
  return profile.stages.every((s) => s.targetPerHour === profile.startPerHour);
}

/** The arrival rate at `t` seconds, bills per hour (linear inside a stage, 0 after the end). */
export function rateAt(profile: ArrivalProfile, t: number): number {
  let from = profile.startPerHour;
  let start = 0;
  for (const stage of profile.stages) {
    if (t < start + stage.durationSeconds) {
      const f = (t - start) / stage.durationSeconds;
      return from + (stage.targetPerHour - from) * f;
    }
    start += stage.durationSeconds;
    from = stage.targetPerHour;
  }
  return 0;
}

/** Bills the profile sends in total (the integral of the rate). */
export function expectedArrivals(profile: ArrivalProfile): number {
  let from = profile.startPerHour;
  let total = 0;
  for (const stage of profile.stages) {
    total += (((from + stage.targetPerHour) / 2) * stage.durationSeconds) / 3600;
    from = stage.targetPerHour;
  }
  return total;
}

/**
 * The same shape `factor` times faster: durations divided and rates multiplied by `factor`, so the
 * total number of bills is unchanged. To keep the backlog dynamics, scale the drain capacity by the
 * same factor (the local benchmark runs the Zoho simulator's limit up accordingly).
 */
export function compressProfile(profile: ArrivalProfile, factor: number): ArrivalProfile {
  if (!(factor > 0)) throw new RangeError("factor must be > 0");
  return {
    name: `${profile.name}/${factor}`,
    description: `${profile.description}, ${factor}x compressed`,
    startPerHour: profile.startPerHour * factor,
    stages: profile.stages.map((s) => ({
      durationSeconds: s.durationSeconds / factor,
      targetPerHour: s.targetPerHour * factor,
    })),
  };
}

/**
 * The same timing with every rate multiplied by `factor` (and so `factor` times the bills). With
 * compressProfile this gives a spike small enough for one machine: compress time by F, then scale
 * rates by k/F, and scale the drain capacity by k.
 */
export function scaleProfileRates(profile: ArrivalProfile, factor: number): ArrivalProfile {
  if (!(factor > 0)) throw new RangeError("factor must be > 0");
  return {
    name: `${profile.name}x${factor}`,
    description: `${profile.description}, rates x${factor}`,
    startPerHour: profile.startPerHour * factor,
    stages: profile.stages.map((s) => ({
      durationSeconds: s.durationSeconds,
      targetPerHour: s.targetPerHour * factor,
    })),
  };
}

/** Arrival times (seconds from the start) of every bill of the profile, for a Node open-model sender. */
export function arrivalTimes(profile: ArrivalProfile, stepSeconds = 0.01): number[] {
  const end = profileDurationSeconds(profile);
  const times: number[] = [];
  let cumulative = 0;
  let next = 1;
  for (let t = 0; t < end; t += stepSeconds) {
    cumulative += (rateAt(profile, t) * stepSeconds) / 3600;
    while (cumulative >= next - 0.5) {
      times.push(t);
      next += 1;
    }
  }
  return times;
}
