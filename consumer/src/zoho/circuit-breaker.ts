/**
 * Circuit breaker shared by the fleet through Redis. Each Zoho failure (429, 5xx, network,
 * timeout, refused token refresh) is logged in a sliding window; `threshold` failures within
 * `windowMs` open the breaker, which writes the limiter's pause key: every worker stops polling
 * and stops calling Zoho for `cooldownMs`. After the cooldown calls flow again (half-open); if
 * Zoho still fails, the next `threshold` failures reopen it. Any success clears the failure log.
 * Messages held during a pause are delayed, never counted as attempts.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { LUA_NOW, RedisScript } from "../redis-script.ts";

export interface CircuitBreakerOptions {
  readonly threshold: number;
  readonly windowMs: number;
  readonly cooldownMs: number;
  readonly organizationId: string;
  /** The limiter's pause key (ZohoRateLimiter.pauseKey). */
  readonly pauseKey: string;
}

// KEYS: failures zset, pause key. ARGV: windowMs, threshold, cooldownMs, member.
// Returns the cooldown in ms when this failure opened the breaker, else 0.
const FAILURE = new RedisScript(`${LUA_NOW}
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
local untilMs = now + tonumber(ARGV[3])
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if current < untilMs then redis.call('SET', KEYS[2], untilMs, 'PX', tonumber(ARGV[3]) + 1000) end
return tonumber(ARGV[3])
`);

export class CircuitBreaker {
  readonly #redis: Redis;
  readonly #opts: CircuitBreakerOptions;
  readonly #failuresKey: string;

  constructor(redis: Redis, opts: CircuitBreakerOptions) {
    this.#redis = redis;
    this.#opts = opts;
    this.#failuresKey = `zoho:${opts.organizationId}:cb:failures`;
  }

  /** Records a failure; returns the pause in ms when this one opened the breaker, else 0. */
  async recordFailure(): Promise<number> {
    const o = this.#opts;
    return Number(
      await FAILURE.run(
        this.#redis,
        [this.#failuresKey, o.pauseKey],
        [o.windowMs, o.threshold, o.cooldownMs, randomUUID()],
      ),
    );
  }

  async recordSuccess(): Promise<void> {
    await this.#redis.del(this.#failuresKey);
  }
}
