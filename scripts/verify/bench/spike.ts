/**
 * The compressed spike on the whole local stack: spike-10x with time compressed and rates scaled
 * (loadtest/shared/profiles.ts, backlog.ts), bills sent open-model at their arrival times, several workers
 * delivering to the Zoho simulator under a proportionally scaled limit. Samples the backlog (bills
 * accepted but not final) every half second until it drains, and compares with the fluid model.
 * While the backlog is up the fleet is saturated, which is where the delivery rate against the
 * simulator's limit, and the 429s, are read.
 */
import { PurgeQueueCommand } from "@aws-sdk/client-sqs";
import { forecastBacklog } from "../../../loadtest/shared/backlog.ts";
import { type ArrivalProfile, arrivalTimes, profileDurationSeconds } from "../../../loadtest/shared/profiles.ts";
import { procCpuMs } from "../stand-ins/perf-stand-ins.ts";
import type { Bills } from "./bodies.ts";
import type { BenchStack, ZohoLimits } from "./stack.ts";
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
  /** Most Books calls the simulator admitted in any trailing window (its limit: simPerWindow). */
  readonly zohoMaxInAnyWindow?: number;
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

interface SpikeOptions {
  readonly profile: ArrivalProfile;
  readonly limits: ZohoLimits;
  readonly workers: number;
  readonly prefix: string;
}

/** Bills sent at their arrival times (open model): counts update as they go. */
interface Arrivals {
  readonly counts: { sent: number; accepted: number };
  readonly timers: readonly ReturnType<typeof setTimeout>[];
  readonly inflight: Promise<void>[];
}

function scheduleArrivals(stack: BenchStack, times: readonly number[], bodies: readonly string[]): Arrivals {
  const counts = { sent: 0, accepted: 0 };
  const inflight: Promise<void>[] = [];
  const send = (body: string | undefined) =>
    fetch(`${stack.serviceUrl}/api/v1/bills`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": stack.apiKey },
      body,
    })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status === 202) counts.accepted += 1;
      })
      .catch(() => undefined);
  const timers = times.map((at, i) =>
    setTimeout(
      () => {
        counts.sent += 1;
        inflight.push(send(bodies[i]));
      },
      Math.round(at * 1000),
    ),
  );
  return { counts, timers, inflight };
}

/** Samples the backlog every half second until every bill arrived and it is empty, or until `giveUp` (s). */
async function sampleBacklog(
  stack: BenchStack,
  prefix: string,
  arrivals: Arrivals,
  total: number,
  window: { readonly started: number; readonly end: number; readonly giveUp: number },
): Promise<{ series: SpikePoint[]; drainedAt: number | null }> {
  const series: SpikePoint[] = [];
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const t = (performance.now() - window.started) / 1000;
    const b = await backlogOf(stack, prefix);
    const sent = arrivals.counts.sent;
    series.push({ t: round(t, 1), arrived: sent, backlog: b.open, delivered: b.success });
    if (sent === total && b.open === 0 && t > window.end) return { series, drainedAt: t };
    if (t > window.giveUp) return { series, drainedAt: null };
  }
}

/** What the run measured, before it is read against the limits and the model. */
interface SpikeMeasures {
  readonly times: readonly number[];
  readonly accepted: number;
  readonly series: readonly SpikePoint[];
  readonly drainedAt: number | null;
  readonly zoho429: number;
  readonly maxInAnyWindow: number;
  readonly calls: number;
  readonly final: { readonly success: number; readonly failed: number };
  readonly workerCpuMs: number;
}

function spikeResult(o: SpikeOptions, model: ReturnType<typeof forecastBacklog>, m: SpikeMeasures): SpikeResult {
  const { series, drainedAt, final } = m;
  const callsPerBill = m.calls / Math.max(1, final.success);
  const simPerSecond = (o.limits.simPerWindow * 1000) / o.limits.windowMs;
  const peak = series.reduce((max, p) => (p.backlog > max.backlog ? p : max), series[0]!);
  // Saturated stretch: the backlog well above what the fleet clears in one window.
  const busy = series.filter((p) => p.backlog >= o.limits.fleetPerWindow);
  const rate =
    busy.length >= 2 ? (busy.at(-1)!.delivered - busy[0]!.delivered) / (busy.at(-1)!.t - busy[0]!.t) : Number.NaN;
  const lastArrival = (m.times.at(-1) ?? 0) + 0.001;
  return {
    profile: o.profile.description,
    bills: m.times.length,
    accepted: m.accepted,
    workers: o.workers,
    peakBacklog: peak.backlog,
    peakAtSeconds: peak.t,
    drainSecondsAfterLoad: drainedAt === null ? null : round(drainedAt - lastArrival, 1),
    drainedAtSeconds: drainedAt === null ? null : round(drainedAt, 1),
    forecast: { peakBacklog: Math.round(model.peakBacklog), drainedAtSeconds: round(model.drainedAtSeconds, 1) },
    deliveryPerSecond: round(rate),
    fleetLimitPerSecond: round((o.limits.fleetPerWindow * 1000) / o.limits.windowMs),
    simLimitPerSecond: round((o.limits.simPerWindow * 1000) / o.limits.windowMs),
    zoho429: m.zoho429,
    zohoMaxInAnyWindow: m.maxInAnyWindow,
    failed: final.failed,
    zohoCallsPerBill: round(callsPerBill),
    zohoLimitShareSaturated: round((rate * callsPerBill) / simPerSecond, 3),
    billsPerMinutePerOrgAtZohoLimit: round(((rate * callsPerBill) / simPerSecond) * (100 / callsPerBill), 1),
    workerCpuMsPerBill: round(m.workerCpuMs / Math.max(1, final.success), 2),
    series,
    forecastSeries: model.series.map((p) => ({ t: round(p.t, 1), backlog: round(p.backlog, 1) })),
  };
}

export async function spikeRun(stack: BenchStack, bills: Bills, o: SpikeOptions): Promise<SpikeResult> {
  // Earlier phases left accepted bills in the queue; the spike measures only its own.
  await stack.test.sqs.send(new PurgeQueueCommand({ QueueUrl: stack.test.queueUrl }));
  await stack.startWorkers(o.workers, o.limits);
  const simBefore = await stack.simStats();
  const workersCpu = () => stack.workerPids().reduce((sum, pid) => sum + procCpuMs(pid), 0);
  const workerCpuBefore = workersCpu();

  const times = arrivalTimes(o.profile);
  const end = profileDurationSeconds(o.profile);
  const capacityPerHour = (o.limits.fleetPerWindow / o.limits.windowMs) * 3_600_000;
  const model = forecastBacklog(o.profile, capacityPerHour);
  const bodies = times.map(() => JSON.stringify(bills.next()));
  const started = performance.now();
  const arrivals = scheduleArrivals(stack, times, bodies);
  const giveUp = end + Math.max(60, model.drainedAtSeconds - end) * 2 + 30;
  const { series, drainedAt } = await sampleBacklog(stack, o.prefix, arrivals, times.length, { started, end, giveUp });
  for (const timer of arrivals.timers) clearTimeout(timer);
  await Promise.all(arrivals.inflight);
  const stats = await stack.simStats();
  const workerCpuMs = workersCpu() - workerCpuBefore;
  await stack.stopWorkers();
  const final = await backlogOf(stack, o.prefix);
  return spikeResult(o, model, {
    times,
    accepted: arrivals.counts.accepted,
    series,
    drainedAt,
    zoho429: rejected429(stats) - rejected429(simBefore),
    maxInAnyWindow: maxInAnyWindow(stats),
    calls: booksCalls(stats) - booksCalls(simBefore),
    final,
    workerCpuMs,
  });
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

/** The simulator's most admitted calls in any trailing window, over every organization (since it started). */
function maxInAnyWindow(stats: Record<string, unknown>): number {
  const orgs = (stats.organizations ?? {}) as Record<string, { maxInAnyWindow?: number }>;
  return Math.max(0, ...Object.values(orgs).map((org) => org.maxInAnyWindow ?? 0));
}

function rejected429(stats: Record<string, unknown>): number {
  const r = (stats.rejected429 ?? {}) as Record<string, number>;
  return Object.values(r).reduce((a, b) => a + (typeof b === "number" ? b : 0), 0);
}
