/**
 * Fleet-wide limiter for Zoho Books calls, one atomic Lua script in Redis shared by every worker
 * process and Lambda: a sliding-window log (at most `limit` calls counted in any `windowMs +
 * guardMs`), a daily quota (UTC day), a cap on calls in flight (leases that expire if a worker
 * dies), and a shared pause (set after a Zoho 429 or by the circuit breaker).
 *
 * The log counts each call until one window after it ENDED (a call in flight counts as ending at
 * its lease expiry). Zoho counts a call when it arrives, somewhere between the grant and the answer;
 * counting from the grant (as before) let latency jitter move calls of one window into the next one
 * at Zoho, so N calls granted a window apart could arrive less than a window apart (a 429 at 19 of
 * 20 in the bench). Counting from the end bounds every arrival: if a grant at g sees fewer than
 * `limit` calls that are in flight or ended after g - window, then at any arrival a >= g fewer than
 * `limit` other calls arrived in (a - window, a]: their arrivals lie in [grant, end], and any call
 * granted after g counted this one. So `limit` can be Zoho's own figure with no guard for jitter;
 * the price is each call's latency, once per window (~1% of a minute at Zoho's latencies).
 *
 * Zoho counts 100 requests/min per organization, a daily quota by plan, and 10 concurrent calls
 * (paid plans), answering 429 with codes 44/45/1070 and no Retry-After.
 * @see https://www.zoho.com/books/api/v3/introduction/ ("API Call Limit", "Concurrent Rate Limiter")
 */
import { randomUUID } from "node:crypto";
import { setTimeout as wait } from "node:timers/promises";
import type { Redis } from "ioredis";
import { RedisScript } from "../redis-script.ts";
import { ZohoThrottledError } from "./errors.ts";

export interface RateLimiterOptions {
  /** Calls the whole fleet may start per window. */
  readonly limit: number;
  readonly windowMs: number;
  /**
   * Added to windowMs. Latency between grant and arrival needs none (calls count from their end);
   * this is slack for clocks (Redis's against Zoho's rate) and for how Zoho rounds its window.
   */
  readonly guardMs: number;
  readonly dailyQuota: number;
  readonly maxInFlight: number;
  /** In-flight lease: a call that never releases (crashed worker) frees its slot after this. */
  readonly leaseMs: number;
  /** Namespace inside the Redis key prefix, one per Zoho organization. */
  readonly organizationId: string;
  /**
   * Epoch ms to use instead of Redis's TIME: tests drive the scripts through simulated time. Every
   * worker of a fleet must share one clock, so production leaves it unset.
   */
  readonly clock?: () => number;
}

export type LimitReason = "ok" | "paused" | "daily" | "window" | "inflight";

export interface LimiterDecision {
  readonly ok: boolean;
  readonly waitMs: number;
  readonly reason: LimitReason;
}

// Redis's clock (one time base for the fleet), or the caller's when it passes one (tests).
const NOW = (arg: number) => `
local now = tonumber(ARGV[${arg}])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

// KEYS: window zset, in-flight zset, daily counter prefix, pause key
// ARGV: windowMs(+guard), limit, maxInFlight, leaseMs, dailyQuota, member, reserve(1|0), [now]
// The window zset scores a call in flight at its lease expiry and an ended call at its end, so
// "score > now - window" is "in flight, or ended within the window".
const ACQUIRE = new RedisScript(`${NOW(8)}
local windowMs = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local maxInFlight = tonumber(ARGV[3])
local leaseMs = tonumber(ARGV[4])
local quota = tonumber(ARGV[5])
local pause = tonumber(redis.call('GET', KEYS[4]) or '0')
if pause > now then return {0, pause - now, 'paused'} end
local day = math.floor(now / 86400000)
local dailyKey = KEYS[3] .. ':' .. day
local used = tonumber(redis.call('GET', dailyKey) or '0')
if used >= quota then return {0, (day + 1) * 86400000 - now, 'daily'} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
if redis.call('ZCARD', KEYS[1]) >= limit then
  -- The earliest a slot can free: a window after the oldest ended call, or after now when every
  -- counted call is still in flight (none can end earlier than now).
  local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
  return {0, math.max(1, math.min(oldest, now) + windowMs - now + 1), 'window'}
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= maxInFlight then return {0, 25, 'inflight'} end
if ARGV[7] ~= '1' then return {1, 0, 'ok'} end
redis.call('ZADD', KEYS[1], now + leaseMs, ARGV[6])
redis.call('PEXPIRE', KEYS[1], leaseMs + windowMs + 1000)
redis.call('ZADD', KEYS[2], now + leaseMs, ARGV[6])
redis.call('PEXPIRE', KEYS[2], leaseMs + 1000)
redis.call('INCR', dailyKey)
redis.call('PEXPIRE', dailyKey, 2 * 86400000)
return {1, 0, 'ok', used + 1}
`);

// KEYS: window zset, in-flight zset; ARGV: member, [now]. The call ended: it frees its in-flight
// place and counts in the window until one window from now (XX: a slot already trimmed stays gone).
const RELEASE = new RedisScript(`${NOW(2)}
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
`);

// KEYS: pause key; ARGV: ms, [now]. Extends, never shortens, an existing pause.
const PAUSE = new RedisScript(`${NOW(2)}
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= untilMs then return current - now end
redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000)
return tonumber(ARGV[1])
`);

// KEYS: pause key; ARGV: [now]
const PAUSED_FOR = new RedisScript(`${NOW(1)}
local pause = tonumber(redis.call('GET', KEYS[1]) or '0')
if pause > now then return pause - now end
return 0
`);

export interface AcquireOptions {
  /** Give up (ZohoThrottledError, source limiter) when the slot would come later than this epoch ms. */
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
  readonly operation?: string;
}

export class ZohoRateLimiter {
  readonly #redis: Redis;
  readonly #opts: RateLimiterOptions;
  readonly #keys: { window: string; inFlight: string; daily: string; pause: string };
  #dailyUsed = 0;

  constructor(redis: Redis, opts: RateLimiterOptions) {
    this.#redis = redis;
    this.#opts = opts;
    const ns = `zoho:${opts.organizationId}:rl`;
    this.#keys = { window: `${ns}:window`, inFlight: `${ns}:inflight`, daily: `${ns}:daily`, pause: `${ns}:pause` };
  }

  get options(): RateLimiterOptions {
    return this.#opts;
  }

  /**
   * Zoho calls the fleet started today (UTC), as of this process's last slot: the ZohoDailyCallsUsed
   * metric (Maximum per period) that the 80 % quota alarm watches against ZOHO_DAILY_QUOTA.
   */
  get dailyUsed(): number {
    return this.#dailyUsed;
  }

  /** The key the circuit breaker also writes to pause the fleet. */
  get pauseKey(): string {
    return this.#keys.pause;
  }

  /** The test clock as a trailing script argument, or nothing (the script reads Redis's TIME). */
  #now(): number[] {
    return this.#opts.clock ? [this.#opts.clock()] : [];
  }

  async #decide(member: string, reserve: boolean): Promise<LimiterDecision> {
    const o = this.#opts;
    const out = (await ACQUIRE.run(
      this.#redis,
      [this.#keys.window, this.#keys.inFlight, this.#keys.daily, this.#keys.pause],
      [
        o.windowMs + o.guardMs,
        o.limit,
        o.maxInFlight,
        o.leaseMs,
        o.dailyQuota,
        member,
        reserve ? "1" : "0",
        ...this.#now(),
      ],
    )) as [number, number, LimitReason, number?];
    if (out[3] !== undefined) this.#dailyUsed = Number(out[3]);
    return { ok: out[0] === 1, waitMs: Number(out[1]), reason: out[2] };
  }

  /** Takes a slot now if one is free. */
  tryAcquire(member: string = randomUUID()): Promise<LimiterDecision> {
    return this.#decide(member, true);
  }

  /** Would a call get a slot now? Reserves nothing (the worker's poll gate uses it). */
  peek(): Promise<LimiterDecision> {
    return this.#decide("peek", false);
  }

  /**
   * Waits for a slot and returns its id (release it when the call ends). Throws ZohoThrottledError
   * when the wait would pass the deadline, so the caller can delay the message instead of holding it.
   */
  async acquire(opts: AcquireOptions): Promise<string> {
    const member = randomUUID();
    for (;;) {
      const d = await this.#decide(member, true);
      if (d.ok) return member;
      const jitter = Math.floor(Math.random() * 15);
      if (Date.now() + d.waitMs > opts.deadline || opts.signal?.aborted) {
        throw new ZohoThrottledError(d.waitMs, d.reason === "paused" ? "breaker" : "limiter", {
          operation: opts.operation ?? "acquire",
        });
      }
      try {
        await wait(d.waitMs + jitter, undefined, { signal: opts.signal });
      } catch {
        throw new ZohoThrottledError(0, "limiter", { operation: opts.operation ?? "acquire" });
      }
    }
  }

  /**
   * Call this when the call has ended (answer read, or failed): frees the in-flight place, and the
   * window counts the call for one window from now. A slot never released (crashed worker) counts
   * until one window after its lease expires.
   */
  async release(member: string): Promise<void> {
    await RELEASE.run(this.#redis, [this.#keys.window, this.#keys.inFlight], [member, ...this.#now()]);
  }

  /** Pauses every worker's Zoho calls for ms (never shortens a longer pause). Returns the pause in force. */
  async pause(ms: number): Promise<number> {
    return Number(await PAUSE.run(this.#redis, [this.#keys.pause], [Math.max(1, Math.ceil(ms)), ...this.#now()]));
  }

  async pausedFor(): Promise<number> {
    return Number(await PAUSED_FOR.run(this.#redis, [this.#keys.pause], this.#now()));
  }

  /** Calls counted in the window (in flight or ended within it) and calls in flight (for logs and tests). */
  async usage(): Promise<{ inWindow: number; inFlight: number }> {
    const [inWindow, inFlight] = await Promise.all([
      this.#redis.zcard(this.#keys.window),
      this.#redis.zcard(this.#keys.inFlight),
    ]);
    return { inWindow, inFlight };
  }
}
