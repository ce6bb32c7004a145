/**
 * Ingest at a fixed concurrency through HTTP with autocannon: every request a different bill, body
 * built in setupRequest. Latency percentiles are computed from every response's own time (autocannon's
 * histogram has no p95).
 */
import { setTimeout as delay } from "node:timers/promises";
import autocannon from "autocannon";
import { Agent, request } from "undici";
import type { BodySource } from "./bodies.ts";
import { type LatencySummary, latencySummary, round } from "./stats.ts";

export interface LoadOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly bills: BodySource;
  readonly connections: number;
  /** Seconds, or... */
  readonly durationS?: number;
  /** ...a number of requests. */
  readonly amount?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly accepted: number;
  /** 200: an earlier bill sent again (idempotent retry). */
  readonly retried: number;
  readonly otherStatus: Record<string, number>;
  readonly errors: number;
  readonly seconds: number;
  readonly acceptedPerSecond: number;
  readonly latencyMs: LatencySummary;
  readonly megabytesPerSecond: number;
}

export async function ingestLoad(o: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let bodyBytes = 0;
  const started = performance.now();
  let done: (r: autocannon.Result) => void = () => undefined;
  let failed: (e: unknown) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  const instance = autocannon(
    {
      url: `${o.url}/api/v1/bills`,
      connections: o.connections,
      ...(o.amount ? { amount: o.amount } : { duration: o.durationS ?? 10 }),
      timeout: 60,
      requests: [
        {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": o.apiKey },
          setupRequest: (req) => {
            const body = o.bills.nextBody();
            bodyBytes += body.length;
            return { ...req, body };
          },
        },
      ],
    },
    (err, result) => (err ? failed(err) : done(result)),
  );
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await finished;
  const seconds = (performance.now() - started) / 1000;
  const accepted = statuses[202] ?? 0;
  const retried = statuses[200] ?? 0;
  const otherStatus = Object.fromEntries(Object.entries(statuses).filter(([s]) => s !== "202" && s !== "200"));
  return {
    requests: latencies.length,
    accepted,
    retried,
    otherStatus,
    errors: result.errors + result.timeouts,
    seconds: round(seconds),
    acceptedPerSecond: round(accepted / seconds),
    latencyMs: latencySummary(latencies),
    megabytesPerSecond: round(bodyBytes / seconds / 1_048_576),
  };
}

/**
 * Open-model load at a fixed rate: one request every 1000/rate ms whatever the answers do, each
 * timed from its own send (keep-alive connections, as many as needed). autocannon's overallRate is
 * not this: it resets every connection's budget once a second, so all of a second's requests leave
 * together and queue behind each other, which shows up as latency that is the load generator's.
 */
export async function fixedRateLoad(
  o: Omit<LoadOptions, "connections" | "amount"> & { ratePerSecond: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let bodyBytes = 0;
  let errors = 0;
  const count = Math.round(o.ratePerSecond * (o.durationS ?? 10));
  const interval = 1000 / o.ratePerSecond;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < count; i += 1) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await delay(wait);
    const body = o.bills.nextBody();
    bodyBytes += body.length;
    const sent = performance.now();
    inflight.push(
      request(`${o.url}/api/v1/bills`, {
        method: "POST",
        dispatcher: agent,
        headers: { "content-type": "application/json", "x-api-key": o.apiKey },
        body,
      }).then(
        async (res) => {
          await res.body.dump();
          latencies.push(performance.now() - sent);
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        },
        () => {
          errors += 1;
        },
      ),
    );
  }
  await Promise.all(inflight);
  await agent.close();
  const seconds = (performance.now() - started) / 1000;
  const accepted = statuses[202] ?? 0;
  return {
    requests: latencies.length,
    accepted,
    retried: statuses[200] ?? 0,
    otherStatus: Object.fromEntries(Object.entries(statuses).filter(([s]) => s !== "202" && s !== "200")),
    errors,
    seconds: round(seconds),
    acceptedPerSecond: round(accepted / seconds),
    latencyMs: latencySummary(latencies),
    megabytesPerSecond: round(bodyBytes / seconds / 1_048_576),
  };
}
