/**
 * Fleet-wide limiter for Zoho Books calls, one atomic Lua script in Redis shared by every worker
 * process and Lambda: a sliding-window log (at most `limit` calls in any `windowMs + guardMs`),
 * a daily quota (UTC day), a cap on calls in flight (leases that expire if a worker dies), and a
 * shared pause (set after a Zoho 429 or by the circuit breaker).
 *
 * Zoho counts 100 requests/min per organization, a daily quota by plan, and 10 concurrent calls
 * (paid plans), answering 429 with codes 44/45/1070 and no Retry-After.
 * @see https://www.zoho.com/books/api/v3/introduction/ ("API Call Limit", "Concurrent Rate Limiter")
 */
import { randomUUID } from "node:crypto";
import { setTimeout as wait } from "node:timers/promises";
import type { Redis } from "ioredis";
import { LUA_NOW, RedisScript } from "../redis-script.ts";
import { ZohoThrottledError } from "./errors.ts";

export interface RateLimiterOptions {
  /** Calls the whole fleet may start per window. */
  readonly limit: number;
  readonly windowMs: number;
  /** Added to windowMs: covers the gap between taking a slot and Zoho receiving the call. */
  readonly guardMs: number;
  readonly dailyQuota: number;
  readonly maxInFlight: number;
  /** In-flight lease: a call that never releases (crashed worker) frees its slot after this. */
  readonly leaseMs: number;
  /** Namespace inside the Redis key prefix, one per Zoho organization. */
  readonly organizationId: string;
}

export type LimitReason = "ok" | "paused" | "daily" | "window" | "inflight";

export interface LimiterDecision {
  readonly ok: boolean;
  readonly waitMs: number;
  readonly reason: LimitReason;
}

// KEYS: window zset, in-flight zset, daily counter prefix, pause key
// ARGV: windowMs(+guard), limit, maxInFlight, leaseMs, dailyQuota, member, reserve(1|0)
const ACQUIRE = new RedisScript(`${LUA_NOW}
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
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, math.max(1, tonumber(oldest[2]) + windowMs - now + 1), 'window'}
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= maxInFlight then return {0, 25, 'inflight'} end
if ARGV[7] ~= '1' then return {1, 0, 'ok'} end
redis.call('ZADD', KEYS[1], now, ARGV[6])
redis.call('PEXPIRE', KEYS[1], windowMs + 1000)
redis.call('ZADD', KEYS[2], now + leaseMs, ARGV[6])
redis.call('PEXPIRE', KEYS[2], leaseMs + 1000)
redis.call('INCR', dailyKey)
redis.call('PEXPIRE', dailyKey, 2 * 86400000)
return {1, 0, 'ok', used + 1}
`);

// KEYS: pause key; ARGV: ms. Extends, never shortens, an existing pause.
const PAUSE = new RedisScript(`${LUA_NOW}
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= untilMs then return current - now end
redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000)
return tonumber(ARGV[1])
`);

// KEYS: window zset; ARGV: member. Moves a reservation to the moment the request actually leaves
// (after the file stream is open), so the window counts send times, not reservation times.
const RESTAMP = new RedisScript(`${LUA_NOW}
return redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
`);

const PAUSED_FOR = new RedisScript(`${LUA_NOW}
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

  async #decide(member: string, reserve: boolean): Promise<LimiterDecision> {
    const o = this.#opts;
    const out = (await ACQUIRE.run(
      this.#redis,
      [this.#keys.window, this.#keys.inFlight, this.#keys.daily, this.#keys.pause],
      [o.windowMs + o.guardMs, o.limit, o.maxInFlight, o.leaseMs, o.dailyQuota, member, reserve ? "1" : "0"],
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
   * Re-times a slot to now, just before the request is sent. Only ever moves it later, which can
   * only make the window stricter for everyone else; covers slow work between slot and send.
   */
  async markSent(member: string): Promise<void> {
    await RESTAMP.run(this.#redis, [this.#keys.window], [member]);
  }

  async release(member: string): Promise<void> {
    await this.#redis.zrem(this.#keys.inFlight, member);
  }

  /** Pauses every worker's Zoho calls for ms (never shortens a longer pause). Returns the pause in force. */
  async pause(ms: number): Promise<number> {
    return Number(await PAUSE.run(this.#redis, [this.#keys.pause], [Math.max(1, Math.ceil(ms))]));
  }

  async pausedFor(): Promise<number> {
    return Number(await PAUSED_FOR.run(this.#redis, [this.#keys.pause], []));
  }

  /** Calls started in the current window and today (for logs and tests). */
  async usage(): Promise<{ inWindow: number; inFlight: number }> {
    const [inWindow, inFlight] = await Promise.all([
      this.#redis.zcard(this.#keys.window),
      this.#redis.zcard(this.#keys.inFlight),
    ]);
    return { inWindow, inFlight };
  }
}
