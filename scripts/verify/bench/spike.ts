/**
 * The compressed spike on the whole local stack: spike-10x with time compressed and rates scaled
 * (loadtest/lib/profiles.ts), bills sent open-model at their arrival times, several workers
 * delivering to the Zoho simulator under a proportionally scaled limit. Samples the backlog (bills
 * accepted but not final) every half second until it drains, and compares with the fluid model.
 * While the backlog is up the fleet is saturated, which is where the delivery rate against the
 * simulator's limit, and the 429s, are read.
 */
import { PurgeQueueCommand } from "@aws-sdk/client-sqs";
import {
  type ArrivalProfile,
  arrivalTimes,
  forecastBacklog,
  profileDurationSeconds,
} from "../../../loadtest/lib/profiles.ts";
import type { Bills } from "./bodies.ts";
import type { BenchStack, ZohoLimits } from "./stack.ts";
import { procCpuMs } from "./stand-ins/perf-stand-ins.ts";
import { round } from "./stats.ts";

export interface SpikePoint {
  readonly t: number;
  readonly arrived: number;
  readonly backlog: number;
  readonly delivered: number;
}

export interface SpikeResult {
  readonly profile: string;
  readonly bills: number;
  readonly accepted: number;
  readonly workers: number;
  readonly peakBacklog: number;
  readonly peakAtSeconds: number;
  /** From the last arrival to an empty backlog. */
  readonly drainSecondsAfterLoad: number | null;
  readonly drainedAtSeconds: number | null;
  readonly forecast: { readonly peakBacklog: number; readonly drainedAtSeconds: number };
  readonly deliveryPerSecond: number;
  readonly fleetLimitPerSecond: number;
  readonly simLimitPerSecond: number;
  readonly zoho429: number;
  readonly failed: number;
  /** Books calls the simulator accepted per delivered bill (create, attach, lookups). */
  readonly zohoCallsPerBill: number;
  /** Share of the simulator's (Zoho's) per-organization limit used while saturated. */
  readonly zohoLimitShareSaturated: number;
  /** The same, in real time: bills per minute per organization against Zoho's 100 requests/min. */
  readonly billsPerMinutePerOrgAtZohoLimit: number;
  /** All worker processes' CPU over the run / bills delivered. */
  readonly workerCpuMsPerBill: number;
  readonly series: readonly SpikePoint[];
  readonly forecastSeries: readonly { readonly t: number; readonly backlog: number }[];
}

export async function spikeRun(
  stack: BenchStack,
  bills: Bills,
  o: {
    readonly profile: ArrivalProfile;
    readonly limits: ZohoLimits;
    readonly workers: number;
    readonly prefix: string;
  },
): Promise<SpikeResult> {
  // Earlier phases left accepted bills in the queue; the spike measures only its own.
  await stack.test.sqs.send(new PurgeQueueCommand({ QueueUrl: stack.test.queueUrl }));
  await stack.startWorkers(o.workers, o.limits);
  const simBefore = await stack.simStats();
  const before429 = rejected429(simBefore);
  const workersCpu = () => stack.workerPids().reduce((sum, pid) => sum + procCpuMs(pid), 0);
  const workerCpuBefore = workersCpu();

  const times = arrivalTimes(o.profile);
  const end = profileDurationSeconds(o.profile);
  const capacityPerHour = (o.limits.fleetPerWindow / o.limits.windowMs) * 3_600_000;
  const model = forecastBacklog(o.profile, capacityPerHour);
  const bodies = times.map(() => JSON.stringify(bills.next()));
  let accepted = 0;
  let sent = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  const timers = times.map((at, i) =>
    setTimeout(
      () => {
        sent += 1;
        inflight.push(
          fetch(`${stack.serviceUrl}/api/v1/bills`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-api-key": stack.apiKey },
            body: bodies[i],
          })
            .then(async (res) => {
              await res.arrayBuffer();
              if (res.status === 202) accepted += 1;
            })
            .catch(() => undefined),
        );
      },
      Math.round(at * 1000),
    ),
  );

  const series: SpikePoint[] = [];
  let drainedAt: number | null = null;
  const giveUp = end + Math.max(60, model.drainedAtSeconds - end) * 2 + 30;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const t = (performance.now() - started) / 1000;
    const b = await backlogOf(stack, o.prefix);
    series.push({ t: round(t, 1), arrived: sent, backlog: b.open, delivered: b.success });
    if (sent === times.length && b.open === 0 && t > end) {
      drainedAt = t;
      break;
    }
    if (t > giveUp) break;
  }
  for (const timer of timers) clearTimeout(timer);
  await Promise.all(inflight);
  const stats = await stack.simStats();
  const workerCpuMs = workersCpu() - workerCpuBefore;
  await stack.stopWorkers();
  const final = await backlogOf(stack, o.prefix);
  const calls = booksCalls(stats) - booksCalls(simBefore);
  const callsPerBill = calls / Math.max(1, final.success);
  const simPerSecond = (o.limits.simPerWindow * 1000) / o.limits.windowMs;

  const peak = series.reduce((m, p) => (p.backlog > m.backlog ? p : m), series[0]!);
  // Saturated stretch: the backlog well above what the fleet clears in one window.
  const busy = series.filter((p) => p.backlog >= o.limits.fleetPerWindow);
  const rate =
    busy.length >= 2 ? (busy.at(-1)!.delivered - busy[0]!.delivered) / (busy.at(-1)!.t - busy[0]!.t) : Number.NaN;
  const lastArrival = (times.at(-1) ?? 0) + 0.001;
  return {
    profile: o.profile.description,
    bills: times.length,
    accepted,
    workers: o.workers,
    peakBacklog: peak.backlog,
    peakAtSeconds: peak.t,
    drainSecondsAfterLoad: drainedAt === null ? null : round(drainedAt - lastArrival, 1),
    drainedAtSeconds: drainedAt === null ? null : round(drainedAt, 1),
    forecast: { peakBacklog: Math.round(model.peakBacklog), drainedAtSeconds: round(model.drainedAtSeconds, 1) },
    deliveryPerSecond: round(rate),
    fleetLimitPerSecond: round((o.limits.fleetPerWindow * 1000) / o.limits.windowMs),
    simLimitPerSecond: round((o.limits.simPerWindow * 1000) / o.limits.windowMs),
    zoho429: rejected429(stats) - before429,
    failed: final.failed,
    zohoCallsPerBill: round(callsPerBill),
    zohoLimitShareSaturated: round((rate * callsPerBill) / simPerSecond, 3),
    billsPerMinutePerOrgAtZohoLimit: round(((rate * callsPerBill) / simPerSecond) * (100 / callsPerBill), 1),
    workerCpuMsPerBill: round(workerCpuMs / Math.max(1, final.success), 2),
    series,
    forecastSeries: model.series.map((p) => ({ t: round(p.t, 1), backlog: round(p.backlog, 1) })),
  };
}

async function backlogOf(
  stack: BenchStack,
  prefix: string,
): Promise<{ open: number; success: number; failed: number }> {
  const r = await stack.db.query<{ status: string; n: string }>(
    "select status, count(*)::text as n from transactions where netsuite_bill_id like $1 group by status",
    [`${prefix}%`],
  );
  const by = Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
  return { open: (by.pending ?? 0) + (by.processing ?? 0), success: by.success ?? 0, failed: by.failed ?? 0 };
}

/** Books calls the simulator's limiter accepted, over every organization. */
function booksCalls(stats: Record<string, unknown>): number {
  const orgs = (stats.organizations ?? {}) as Record<string, { accepted?: number }>;
  return Object.values(orgs).reduce((a, org) => a + (org.accepted ?? 0), 0);
}

function rejected429(stats: Record<string, unknown>): number {
  const r = (stats.rejected429 ?? {}) as Record<string, number>;
  return Object.values(r).reduce((a, b) => a + (typeof b === "number" ? b : 0), 0);
}
