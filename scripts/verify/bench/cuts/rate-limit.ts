/**
 * The rate limit's cost per request: @fastify/rate-limit's RedisStore (one EVAL per request)
 * against the leased budget (service/src/plugins/rate-limit-budget.ts), at the service's default
 * limit and at the bench's. CPU of this process per request and Redis calls per request.
 *   source .local/env.sh && node scripts/verify/bench/cuts/rate-limit.ts [--requests 20000] [--concurrency 32]
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { LeasedBudget } from "../../../../service/src/plugins/rate-limit-budget.ts";
import { round } from "../stats.ts";

type Store = { incr(key: string, cb: (err: Error | null) => void, timeWindow: number, max: number): void };
const RedisStore = createRequire(import.meta.url)("@fastify/rate-limit/store/RedisStore.js") as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  prefix: string,
) => Store;

const { values } = parseArgs({
  options: { requests: { type: "string", default: "20000" }, concurrency: { type: "string", default: "32" } },
});
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const prefix = `bench:cut:${randomBytes(4).toString("hex")}:`;

async function measure(label: string, store: Store, max: number): Promise<object> {
  const commands = Number((await redis.info("stats")).match(/total_commands_processed:(\d+)/)?.[1]);
  let next = 0;
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) {
        await new Promise<void>((resolve, reject) =>
          store.incr(`key:${label.length}`, (err) => (err ? reject(err) : resolve()), 60_000, max),
        );
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const after = Number((await redis.info("stats")).match(/total_commands_processed:(\d+)/)?.[1]);
  return {
    variant: label,
    cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / requests, 4),
    // Redis counts a script's inner commands too (EVALSHA + INCR + PTTL ...); the INFO call adds one.
    redisCommandsPerRequest: round((after - commands - 1) / requests, 3),
  };
}

const results = [
  await measure(
    "RedisStore (an EVAL per request), limit 600/min",
    new RedisStore(false, false, redis, `${prefix}a:`),
    600,
  ),
  await measure("leased budget, limit 600/min (block 12)", new LeasedBudget(redis, `${prefix}b:`), 600),
  await measure("RedisStore, limit 100,000,000/min (bench)", new RedisStore(false, false, redis, `${prefix}c:`), 1e8),
  await measure("leased budget, limit 100,000,000/min (block 100)", new LeasedBudget(redis, `${prefix}d:`), 1e8),
];
const keys = await redis.keys(`${prefix}*`);
if (keys.length > 0) await redis.del(...keys);
await redis.quit();
console.log(JSON.stringify({ requests, concurrency, results }, null, 2));
