/**
 * A fluid model of the delivery backlog under Zoho's rate limit: arrivals of a profile minus a
 * constant drain capacity, and the delivery budget it gives (the k6 threshold, the bench's
 * comparison). No Node built-ins and no k6 imports: k6 loads this file as it is.
 */
import { type ArrivalProfile, profileDurationSeconds, rateAt, zohoBillsPerHour } from "./profiles.ts";
import { DELIVERY_FLOOR_SECONDS } from "./slo.ts";

/** What the fluid model says about the delivery queue under a constant drain capacity. */
export interface BacklogForecast {
  /** Largest number of accepted-but-undelivered bills. */
  readonly peakBacklog: number;
  readonly peakAtSeconds: number;
  /** Longest time a bill waits in the queue (FIFO at constant capacity: backlog / capacity). */
  readonly maxWaitSeconds: number;
  /** When the queue is empty again after the profile (0 if it never builds up). */
  readonly drainedAtSeconds: number;
  /** Backlog over time, about 200 points, for charts. */
  readonly series: readonly { readonly t: number; readonly backlog: number }[];
}

/** Integrate arrivals minus capacity over the profile (1-second steps), then drain what is left. */
export function forecastBacklog(profile: ArrivalProfile, capacityPerHour: number, stepSeconds = 1): BacklogForecast {
  if (!(capacityPerHour > 0)) throw new RangeError("capacity must be > 0");
  const end = profileDurationSeconds(profile);
  const every = Math.max(stepSeconds, Math.floor(end / 200));
  const series: { t: number; backlog: number }[] = [];
  let backlog = 0;
  let peakBacklog = 0;
  let peakAtSeconds = 0;
  let lastNonEmpty = 0;
  for (let t = 0; t < end; t += stepSeconds) {
    const arriving = ((rateAt(profile, t) + rateAt(profile, Math.min(t + stepSeconds, end - 1e-9))) / 2) * stepSeconds;
    backlog = Math.max(0, backlog + (arriving - capacityPerHour * stepSeconds) / 3600);
    if (backlog > peakBacklog) {
      peakBacklog = backlog;
      peakAtSeconds = t + stepSeconds;
    }
    if (backlog > 1e-9) lastNonEmpty = t + stepSeconds;
    if (t % every === 0) series.push({ t, backlog });
  }
  const drainedAtSeconds = backlog > 1e-9 ? end + (backlog / capacityPerHour) * 3600 : lastNonEmpty;
  series.push({ t: end, backlog });
  if (backlog > 1e-9) series.push({ t: drainedAtSeconds, backlog: 0 });
  return {
    peakBacklog,
    peakAtSeconds,
    maxWaitSeconds: (peakBacklog / capacityPerHour) * 3600,
    drainedAtSeconds,
    series,
  };
}

/**
 * End-to-end delivery budget for a profile: the longest modelled queue wait plus 25% slack, on top
 * of the no-backlog floor. Used as the delivery-time threshold and as the probe's give-up time.
 */
export function deliveryBudgetSeconds(profile: ArrivalProfile, capacityPerHour: number = zohoBillsPerHour()): number {
  const { maxWaitSeconds } = forecastBacklog(profile, capacityPerHour);
  return Math.ceil(DELIVERY_FLOOR_SECONDS + maxWaitSeconds * 1.25);
}
