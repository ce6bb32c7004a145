/**
 * The store behind plugins/rate-limit.ts (not a plugin): a per-key budget leased from Redis in
 * blocks and spent locally, so most requests cost no Redis call. Redis counts every token handed
 * out in the window, and a lease never takes more than what is left, so the fleet never admits
 * more than `max` per window. The price: tokens an instance leased but did not spend before the
 * window ends are lost (at most block - 1 per instance and key); with a block of 1 (small limits)
 * every request asks Redis, as before. Concurrent requests on one key share one lease call.
 */
import type { Redis } from "ioredis";

/** Takes up to ARGV[3] tokens of the window's ARGV[2]; returns {counted, granted, ttl ms}. */
const LEASE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local granted = math.min(tonumber(ARGV[3]), math.max(0, tonumber(ARGV[2]) - current))
if granted > 0 then
  current = redis.call('INCRBY', KEYS[1], granted)
  if current == granted then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = tonumber(ARGV[1]) end
return {current, granted, ttl}`;

/** Tokens leased per Redis call: 2 % of the limit, at least 1, at most 100. */
export const blockSize = (max: number): number => Math.min(100, Math.max(1, Math.floor(max / 50)));

interface Budget {
  /** Tokens counted in Redis for this window when we last leased. */
  counted: number;
  /** Of our leased tokens, how many are not spent yet. */
  left: number;
  expiresAt: number;
  /** Redis granted nothing: the window's budget is spent fleet-wide. */
  exhausted: boolean;
}

type Answer = { current: number; ttl: number };
type Callback = (err: Error | null, res?: Answer) => void;

interface LeaseRedis extends Redis {
  rateLimitLease(key: string, windowMs: number, max: number, want: number): Promise<[number, number, number]>;
}

/** Entries kept before expired ones are swept (keys are per API key, or per address when unauthenticated). */
const SWEEP_AT = 10_000;

export class LeasedBudget {
  readonly #redis: LeaseRedis;
  readonly #prefix: string;
  readonly #budgets = new Map<string, Budget>();
  readonly #leasing = new Map<string, Callback[]>();

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis as LeaseRedis;
    this.#prefix = prefix;
    if (!("rateLimitLease" in redis)) redis.defineCommand("rateLimitLease", { numberOfKeys: 1, lua: LEASE });
  }

  /** @fastify/rate-limit's store contract: count one request for `key`. */
  incr(key: string, cb: Callback, timeWindow: number, max: number): void {
    const now = Date.now();
    const b = this.#budgets.get(key);
    if (b && now < b.expiresAt && (b.exhausted || b.left > 0)) {
      // Exhausted (Redis had nothing left): over the limit until the window ends, without asking again.
      if (!b.exhausted) b.left -= 1;
      cb(null, { current: b.exhausted ? max + 1 : b.counted - b.left, ttl: b.expiresAt - now });
      return;
    }
    const waiting = this.#leasing.get(key);
    if (waiting) {
      waiting.push((err) => (err ? cb(err) : this.incr(key, cb, timeWindow, max)));
      return;
    }
    this.#leasing.set(key, []);
    void this.#lease(key, timeWindow, max, now).then(
      (answer) => this.#settle(key, null, () => cb(null, answer)),
      (err: Error) => this.#settle(key, err, () => cb(err)),
    );
  }

  async #lease(key: string, windowMs: number, max: number, now: number): Promise<Answer> {
    const [counted, granted, ttl] = await this.#redis.rateLimitLease(this.#prefix + key, windowMs, max, blockSize(max));
    if (this.#budgets.size >= SWEEP_AT)
      for (const [k, v] of this.#budgets) if (v.expiresAt <= now) this.#budgets.delete(k);
    if (granted === 0) {
      this.#budgets.set(key, { counted: max, left: 0, expiresAt: now + ttl, exhausted: true });
      return { current: max + 1, ttl };
    }
    this.#budgets.set(key, { counted, left: granted - 1, expiresAt: now + ttl, exhausted: false });
    return { current: counted - (granted - 1), ttl };
  }

  #settle(key: string, err: Error | null, answer: () => void): void {
    const waiting = this.#leasing.get(key) ?? [];
    this.#leasing.delete(key);
    answer();
    for (const next of waiting) next(err);
  }

  /** Per-route limits get their own keys, as @fastify/rate-limit's RedisStore does (it passes routeInfo at run time). */
  child(routeOptions: object): LeasedBudget {
    const { method, url } = (routeOptions as { routeInfo: { method: string; url: string } }).routeInfo;
    return new LeasedBudget(this.#redis, `${this.#prefix}${method}${url}-`);
  }
}

/** The store class @fastify/rate-limit instantiates itself (`store` option), bound to a Redis client. */
export function leasedBudgetStore(redis: Redis, prefix: string) {
  return class extends LeasedBudget {
    constructor() {
      super(redis, prefix);
    }
  };
}
