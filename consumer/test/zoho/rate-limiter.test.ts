import { randomUUID } from "node:crypto";
import t from "tap";
import { createRedis } from "../../../lib/redis.ts";
import { CircuitBreaker } from "../../src/zoho/circuit-breaker.ts";
import { ZohoThrottledError } from "../../src/zoho/errors.ts";
import { type RateLimiterOptions, ZohoRateLimiter } from "../../src/zoho/rate-limiter.ts";

const prefix = `test:rl-${randomUUID().slice(0, 8)}:`;
const conns = Array.from({ length: 4 }, () =>
  createRedis({ REDIS_URL: process.env.REDIS_URL ?? "", REDIS_KEY_PREFIX: prefix }),
);
t.teardown(async () => {
  const keys = await conns[0]!.keys(`${prefix}*`);
  if (keys.length) await conns[0]!.call("DEL", ...keys);
  for (const c of conns) c.disconnect();
});

const base: RateLimiterOptions = {
  organizationId: "1",
  limit: 10,
  windowMs: 500,
  guardMs: 20,
  dailyQuota: 1_000_000,
  maxInFlight: 100,
  leaseMs: 5_000,
};
const limiters = (o: Partial<RateLimiterOptions>) => conns.map((c) => new ZohoRateLimiter(c, { ...base, ...o }));

t.test("four processes together never start more than the limit in any window, and use nearly all of it", async (t) => {
  const ls = limiters({ organizationId: "window" });
  const starts: number[] = [];
  const deadline = Date.now() + 60_000;
  // 4 "processes" x 12 workers each, 60 calls in total through a 10-per-500 ms budget.
  let left = 60;
  await Promise.all(
    ls.flatMap((l) =>
      Array.from({ length: 12 }, async () => {
        while (left > 0) {
          left--;
          const slot = await l.acquire({ deadline });
          // The grant's own Redis timestamp: what the limiter counted, free of client-side jitter.
          starts.push(Number(await conns[0]!.zscore("zoho:window:rl:window", slot)));
          await l.release(slot);
        }
      }),
    ),
  );
  starts.sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0; i < starts.length; i++) {
    let j = i;
    while (j < starts.length && starts[j]! - starts[i]! < base.windowMs + base.guardMs) j++;
    worst = Math.max(worst, j - i);
  }
  t.ok(worst <= base.limit, `at most ${base.limit} starts in any ${base.windowMs + base.guardMs} ms (saw ${worst})`);
  // 60 calls = 6 windows of 10: call 50 may start 5 (guarded) windows after call 0.
  const rate = ((starts.length - base.limit) / (starts[50]! - starts[0]!)) * (base.windowMs + base.guardMs);
  t.ok(rate >= 0.9 * base.limit, `steady rate ${rate.toFixed(1)} per guarded window is >= 90% of ${base.limit}`);
});

t.test("in-flight calls are capped fleet-wide and a crashed holder's lease expires", async (t) => {
  const [a, b] = limiters({ organizationId: "inflight", maxInFlight: 2, limit: 100, leaseMs: 300 });
  const s1 = await a!.acquire({ deadline: Date.now() + 1000 });
  await b!.acquire({ deadline: Date.now() + 1000 }); // never released: a "crashed" worker
  const blocked = await a!.tryAcquire();
  t.same([blocked.ok, blocked.reason], [false, "inflight"]);
  await a!.release(s1);
  t.equal((await b!.tryAcquire()).ok, true, "a released slot is free again");
  await new Promise((r) => setTimeout(r, 350));
  t.equal((await a!.tryAcquire()).ok, true, "the crashed holder's lease lapsed");
});

t.test("the daily quota stops calls until the next UTC day", async (t) => {
  const [l] = limiters({ organizationId: "daily", dailyQuota: 3, limit: 100 });
  for (let i = 0; i < 3; i++) t.equal((await l!.tryAcquire()).ok, true);
  const d = await l!.tryAcquire();
  t.same([d.ok, d.reason], [false, "daily"]);
  t.ok(d.waitMs > 0 && d.waitMs <= 86_400_000, "waits until midnight UTC");
  const err = await l!.acquire({ deadline: Date.now() + 1000 }).catch((e: unknown) => e);
  t.type(err, ZohoThrottledError, "beyond the deadline the caller gets a throttle error, not a wait");
});

t.test("a pause (429 or open breaker) holds every process, and is never shortened", async (t) => {
  const [a, b] = limiters({ organizationId: "pause", limit: 100 });
  await a!.pause(400);
  await a!.pause(50);
  const d = await b!.peek();
  t.same([d.ok, d.reason], [false, "paused"]);
  t.ok(d.waitMs > 300, "the longer pause stands");
  const started = Date.now();
  await b!.acquire({ deadline: Date.now() + 2000 });
  t.ok(Date.now() - started >= 300, "acquire waited for the pause to end");
});

t.test("the circuit breaker opens after threshold failures in its window and pauses the fleet", async (t) => {
  const [l, other] = limiters({ organizationId: "cb", limit: 100 });
  const breaker = new CircuitBreaker(conns[2]!, {
    organizationId: "cb",
    threshold: 3,
    windowMs: 1000,
    cooldownMs: 500,
    pauseKey: l!.pauseKey,
  });
  t.equal(await breaker.recordFailure(), 0);
  t.equal(await breaker.recordFailure(), 0);
  await breaker.recordSuccess();
  t.equal(await breaker.recordFailure(), 0, "a success resets the count");
  t.equal(await breaker.recordFailure(), 0);
  t.equal(await breaker.recordFailure(), 500, "third consecutive failure opens it");
  t.ok((await other!.pausedFor()) > 400, "every process sees the pause");
  await new Promise((r) => setTimeout(r, 550));
  t.equal(await other!.pausedFor(), 0, "half-open after the cooldown");
});
