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

t.test("four processes together never count more than the limit in any window, and reach it", async (t) => {
  const ls = limiters({ organizationId: "window" });
  const calls: { grant: number; end: number }[] = [];
  const deadline = Date.now() + 60_000;
  const score = async (slot: string) => Number(await conns[0]!.zscore("zoho:window:rl:window", slot));
  // 4 "processes" x 12 workers each, 60 calls in total through a 10-per-500 ms budget.
  let left = 60;
  await Promise.all(
    ls.flatMap((l) =>
      Array.from({ length: 12 }, async () => {
        while (left > 0) {
          left--;
          const slot = await l.acquire({ deadline });
          // The limiter's own Redis timestamps, free of client-side jitter: a call in flight is
          // scored at its lease expiry (grant + leaseMs), an ended one at its end.
          const grant = (await score(slot)) - base.leaseMs;
          await l.release(slot);
          calls.push({ grant, end: await score(slot) });
        }
      }),
    ),
  );
  const W = base.windowMs + base.guardMs;
  // The rule Zoho's window needs: when a call is granted, fewer than L others are in flight or ended
  // within the window before it (their arrivals at Zoho could still fall in its window).
  let worst = 0;
  for (const c of calls) {
    const counted = calls.filter((o) => o.grant <= c.grant && o.end > c.grant - W).length;
    worst = Math.max(worst, counted);
  }
  t.equal(worst, base.limit, `never more than ${base.limit} calls counted at a grant, and the whole budget used`);
  // The rate this sustains is judged in simulated time (rate-limiter-arrivals.test.ts), not here.
});

t.test("a call counts until a window after it ends; one never released, a window after its lease", async (t) => {
  let now = Date.UTC(2030, 0, 1, 12);
  const t0 = now;
  const at = (ms: number) => {
    now = t0 + ms;
  };
  const [l] = limiters({
    organizationId: "ends",
    limit: 1,
    windowMs: 1000,
    guardMs: 0,
    leaseMs: 5000,
    clock: () => now,
  });
  t.equal((await l!.tryAcquire("first")).ok, true);
  at(100);
  t.same(await l!.tryAcquire(), { ok: false, waitMs: 1001, reason: "window" }, "in flight: a window from now at best");
  at(300);
  await l!.release("first");
  at(1299);
  t.same(await l!.tryAcquire(), { ok: false, waitMs: 2, reason: "window" }, "ended at 300: counted until 1300");
  at(1300);
  t.equal((await l!.tryAcquire()).ok, true, "free a window after the end");
  at(7299);
  t.equal((await l!.tryAcquire()).reason, "window", "never released: counted until its lease (6300) + window");
  at(7300);
  t.equal((await l!.tryAcquire()).ok, true);
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
