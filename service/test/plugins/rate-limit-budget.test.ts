/**
 * The leased rate-limit budget on real Redis: blocks cut the Redis calls, counts stay exact for
 * one instance, a fleet of instances never admits more than the limit, concurrent requests share
 * one lease, and a spent window is answered locally until it ends.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import t, { type Test } from "tap";
import { blockSize, LeasedBudget } from "../../src/plugins/rate-limit-budget.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
t.teardown(() => redis.quit());
const WINDOW_MS = 60_000;

/** A prefix of its own per test, removed afterwards. */
function prefix(t: Test): string {
  const p = `test:budget:${randomBytes(4).toString("hex")}:`;
  t.teardown(async () => {
    const keys = await redis.keys(`${p}*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  return p;
}

function incr(store: LeasedBudget, key: string, max: number): Promise<{ current: number; ttl: number }> {
  return new Promise((resolve, reject) =>
    store.incr(key, (err, res) => (err || !res ? reject(err ?? new Error("no answer")) : resolve(res)), WINDOW_MS, max),
  );
}

t.test("block size: 2 % of the limit, between 1 and 100", async (t) => {
  t.same([3, 49, 50, 600, 5_000, 10_000_000].map(blockSize), [1, 1, 1, 12, 100, 100]);
});

t.test("one instance: exact counts, one Redis lease per block", async (t) => {
  const p = prefix(t);
  const store = new LeasedBudget(redis, p);
  const currents: number[] = [];
  for (let i = 0; i < 25; i += 1) currents.push((await incr(store, "key:a", 500)).current);
  t.same(
    currents,
    Array.from({ length: 25 }, (_, i) => i + 1),
    "the 1st..25th request of the window",
  );
  t.equal(await redis.get(`${p}key:a`), "30", "three leases of 10 (2 % of 500) taken from Redis");
  const ttl = await redis.pttl(`${p}key:a`);
  t.ok(ttl > 0 && ttl <= WINDOW_MS, "the window's expiry is set in Redis");
});

t.test("a fleet never admits more than the limit; at most block - 1 per instance goes unused", async (t) => {
  const p = prefix(t);
  const fleet = [new LeasedBudget(redis, p), new LeasedBudget(redis, p), new LeasedBudget(redis, p)];
  const max = 100; // block of 2
  let admitted = 0;
  for (let i = 0; i < 300; i += 1) {
    const { current } = await incr(fleet[i % fleet.length] as LeasedBudget, "key:fleet", max);
    if (current <= max) admitted += 1;
  }
  t.ok(admitted <= max, `admitted ${admitted} of a limit of ${max}`);
  t.ok(
    admitted >= max - fleet.length * (blockSize(max) - 1),
    `admitted ${admitted}: at most one token stranded per instance`,
  );
  t.equal(Number(await redis.get(`${p}key:fleet`)), max, "Redis handed out exactly the limit");
});

t.test("concurrent requests on one key share one lease", async (t) => {
  const p = prefix(t);
  const store = new LeasedBudget(redis, p);
  const answers = await Promise.all(Array.from({ length: 10 }, () => incr(store, "key:burst", 1_000)));
  t.same(
    answers.map((a) => a.current).sort((a, b) => a - b),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  t.equal(await redis.get(`${p}key:burst`), "20", "one lease of 20 for all ten");
});

t.test("a spent window is answered locally, over the limit, until it ends", async (t) => {
  const p = prefix(t);
  const store = new LeasedBudget(redis, p);
  for (let i = 0; i < 3; i += 1) t.equal((await incr(store, "key:small", 3)).current, i + 1);
  const over = await incr(store, "key:small", 3);
  t.equal(over.current, 4, "the 4th request is over the limit");
  t.ok(over.ttl > 0 && over.ttl <= WINDOW_MS, "with the time left in the window");
  await redis.del(`${p}key:small`);
  t.equal((await incr(store, "key:small", 3)).current, 4, "still over: no new lease before the window ends");
  t.equal(await redis.get(`${p}key:small`), null, "and Redis was not asked");
});

t.test("a Redis failure reaches the caller (the plugin then steps aside: skipOnError)", async (t) => {
  const broken = new Redis("redis://127.0.0.1:1", {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  t.teardown(() => broken.disconnect());
  const store = new LeasedBudget(broken, prefix(t));
  await t.rejects(incr(store, "key:x", 10));
});
