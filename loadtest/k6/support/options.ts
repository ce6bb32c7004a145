/**
 * k6 options for a load profile: the open-model scenarios (ingest at the profile's arrival rate,
 * plus a low-rate delivery probe) and the SLOs as thresholds. A broken threshold makes `k6 run`
 * exit with code 99, which is what fails the monthly CI job.
 */
import type { Options, Scenario } from "k6/options";
import { deliveryBudgetSeconds } from "../../shared/backlog.ts";
import type { ArrivalProfile } from "../../shared/profiles.ts";
import { expectedArrivals, profileDurationSeconds } from "../../shared/profiles.ts";
import { arrivalScenario, k6Duration } from "../../shared/scenario.ts";
import {
  INGEST_SLO_MS,
  MAX_DELIVERY_FAILURE_RATE,
  MAX_HTTP_FAILURE_RATE,
  MIN_CHECK_PASS_RATE,
  PROCESSING_SLO_MS,
} from "../../shared/slo.ts";
import { settings } from "./env.ts";

/**
 * How long one ingest iteration (a POST) lasts: its p99 SLO typically; the VU ceiling assumes 10 s
 * at worst (far past the SLO: arrivals beyond that are dropped and the dropped_iterations threshold
 * says so, instead of k6 growing to thousands of VUs).
 */
const INGEST_SIZING = { typicalIterationSeconds: INGEST_SLO_MS.p99 / 1000, maxIterationSeconds: 10 };

/** Probes need at least this many samples per run for a p95 worth reading. */
const MIN_PROBES = 30;

export interface Plan {
  readonly options: Options;
  /** Threshold for bill_delivery_time p95, seconds. */
  readonly deliveryBudgetSeconds: number;
  /** When a probe stops polling and counts the bill as not delivered, seconds after its POST. */
  readonly giveUpSeconds: number;
}

export interface PlanOptions {
  /**
   * "probe-all": every bill is followed to delivery (smoke). "sampled": the profile's bills are
   * only POSTed and a separate constant-rate probe scenario follows its own bills. "none": ingest
   * only, no delivery thresholds.
   */
  readonly delivery: "probe-all" | "sampled" | "none";
}

export function plan(profile: ArrivalProfile, { delivery }: PlanOptions): Plan {
  const budget = deliveryBudgetSeconds(profile, settings.zohoBillsPerHour);
  const giveUpSeconds = budget * 2;
  const probeSizing = { typicalIterationSeconds: budget, maxIterationSeconds: giveUpSeconds };
  const scenarios: Record<string, Scenario> = {};
  if (delivery === "probe-all") {
    scenarios.probe = arrivalScenario(profile, "probe", probeSizing);
  } else {
    scenarios.ingest = arrivalScenario(profile, "ingest", INGEST_SIZING);
    const seconds = profileDurationSeconds(profile);
    const perHour = settings.probePerHour ?? Math.max(60, Math.ceil((MIN_PROBES * 3600) / seconds));
    const probes = {
      name: `${profile.name}-probe`,
      description: "delivery probe",
      startPerHour: perHour,
      stages: [{ durationSeconds: seconds, targetPerHour: perHour }],
    };
    if (delivery === "sampled") {
      scenarios.probe = { ...arrivalScenario(probes, "probe", probeSizing), tags: { profile: profile.name } };
    }
  }

  const thresholds: NonNullable<Options["thresholds"]> = {
    "http_req_duration{name:ingest}": [`p(95)<${INGEST_SLO_MS.p95}`, `p(99)<${INGEST_SLO_MS.p99}`],
    "http_req_failed{name:ingest}": [`rate<${MAX_HTTP_FAILURE_RATE}`],
    http_req_failed: [`rate<${MAX_HTTP_FAILURE_RATE}`],
    // An under-provisioned generator drops arrivals instead of sending them late: it must not
    // hide a slow server (a dropped iteration is a bill NetSuite wanted to send).
    dropped_iterations: ["count==0"],
    checks: [`rate>${MIN_CHECK_PASS_RATE}`],
  };
  if (delivery !== "none") {
    thresholds.bill_processing_time = [
      `p(50)<${PROCESSING_SLO_MS.p50}`,
      `p(95)<${PROCESSING_SLO_MS.p95}`,
      `p(99)<${PROCESSING_SLO_MS.p99}`,
    ];
    thresholds.bill_delivery_time = [`p(95)<${budget * 1000}`];
    thresholds.bill_delivery_failed = [`rate<${MAX_DELIVERY_FAILURE_RATE}`];
  }

  return {
    deliveryBudgetSeconds: budget,
    giveUpSeconds,
    options: {
      scenarios,
      thresholds,
      summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"],
      // Summaries of multi-hour runs can take a while to render; k6 >= 2.2 reads this option.
      handleSummaryTimeout: "5m",
      tags: { profile: profile.name, expected_bills: String(Math.round(expectedArrivals(profile))) },
      setupTimeout: k6Duration(60),
    },
  };
}
