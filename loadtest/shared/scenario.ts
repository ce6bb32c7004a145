/**
 * The k6 arrival-rate scenario for a profile, as a plain object (k6/options types check it in the
 * k6 scripts). No Node built-ins and no k6 imports: k6 loads this file as it is.
 */
import { type ArrivalProfile, expectedArrivals, isFlat, peakPerHour, profileDurationSeconds } from "./profiles.ts";

/** k6 duration string for whole or fractional seconds ("90s", "1.5s"). */
export function k6Duration(seconds: number): string {
  return `${Number(seconds.toFixed(3))}s`;
}

/**
 * How many VUs an arrival-rate scenario needs: arrivals per second times how long one iteration
 * lasts. `typicalIterationSeconds` sizes the pre-allocation, `maxIterationSeconds` the ceiling.
 */
export interface VuSizing {
  readonly typicalIterationSeconds: number;
  readonly maxIterationSeconds: number;
}

/** Plain-object mirror of k6's arrival-rate scenarios (k6/options types check it in the k6 scripts). */
export type ArrivalScenario =
  | {
      readonly executor: "constant-arrival-rate";
      readonly rate: number;
      readonly timeUnit: string;
      readonly duration: string;
      readonly preAllocatedVUs: number;
      readonly maxVUs: number;
      readonly exec: string;
      readonly gracefulStop: string;
      readonly tags: Record<string, string>;
    }
  | {
      readonly executor: "ramping-arrival-rate";
      readonly startRate: number;
      readonly timeUnit: string;
      readonly stages: { readonly duration: string; readonly target: number }[];
      readonly preAllocatedVUs: number;
      readonly maxVUs: number;
      readonly exec: string;
      readonly gracefulStop: string;
      readonly tags: Record<string, string>;
    };

/**
 * The k6 scenario for a profile. A flat profile becomes one constant-arrival-rate scenario whose
 * `rate` is the exact number of bills over the whole duration (so burst-5000 sends 5,000, not
 * 4,999.9); anything else becomes ramping-arrival-rate with rates per hour.
 */
export function arrivalScenario(profile: ArrivalProfile, exec: string, sizing: VuSizing): ArrivalScenario {
  const perSecond = peakPerHour(profile) / 3600;
  const preAllocatedVUs = Math.max(2, Math.ceil(perSecond * sizing.typicalIterationSeconds));
  const maxVUs = Math.max(preAllocatedVUs, Math.ceil(perSecond * sizing.maxIterationSeconds) + 1);
  const gracefulStop = k6Duration(Math.ceil(sizing.maxIterationSeconds) + 5);
  const tags = { profile: profile.name };
  if (isFlat(profile)) {
    const duration = k6Duration(profileDurationSeconds(profile));
    return {
      executor: "constant-arrival-rate",
      rate: Math.round(expectedArrivals(profile)),
      timeUnit: duration,
      duration,
      preAllocatedVUs,
      maxVUs,
      exec,
      gracefulStop,
      tags,
    };
  }
  return {
    executor: "ramping-arrival-rate",
    startRate: Math.round(profile.startPerHour),
    timeUnit: "1h",
    stages: profile.stages.map((s) => ({
      duration: k6Duration(s.durationSeconds),
      target: Math.round(s.targetPerHour),
    })),
    preAllocatedVUs,
    maxVUs,
    exec,
    gracefulStop,
    tags,
  };
}
