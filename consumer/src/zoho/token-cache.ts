/**
 * The Zoho access token, shared by the fleet through Redis. On a miss exactly one worker refreshes
 * (a Redis lock, SET NX PX); the others wait for the token to appear. A 401 invalidates only the
 * token that was refused (compare-and-delete), so many workers hitting 401 with the same stale
 * token cause one refresh, not many. A failed refresh is remembered for a back-off period so the
 * fleet does not hammer the accounts server (Zoho allows about 10 mints per 10 minutes). Zoho's
 * mint-limit answer ("Access Denied": minting is blocked for the rest of the ten-minute window) backs
 * off until that window ends, counted from the oldest mint this fleet made in it. The token's
 * api_domain is kept beside it, so the API host can follow the token's data centre.
 * @see https://www.zoho.com/accounts/protocol/oauth/token-limits.html
 */
import { randomUUID } from "node:crypto";
import { setTimeout as wait } from "node:timers/promises";
import type { Redis } from "ioredis";
import { RedisScript } from "../redis-script.ts";
import { TokenRefreshError } from "./errors.ts";
import type { RefreshAttempt, RefreshResult } from "./oauth.ts";

const DELETE_IF_EQUAL = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/** Zoho's mint window: at most ~10 access tokens per refresh token per 10 minutes. */
export const MINT_WINDOW_MS = 600_000;
/** Zoho's `error` value when the mint limit is hit. */
const MINT_LIMIT_ERROR = "Access Denied";
/** How long an api_domain read from Redis is reused by this process. */
const API_DOMAIN_MEMO_MS = 60_000;

export interface TokenCacheOptions {
  readonly organizationId: string;
  /** Refresh this long before Zoho's expiry (capped at half the token's lifetime). */
  readonly refreshMarginMs: number;
  /** After a failed refresh nobody retries for this long. */
  readonly failureBackoffMs: number;
  /** Longest a caller waits for another worker's refresh. @default 30000 */
  readonly waitTimeoutMs?: number;
  /** Reads the (decrypted) refresh token. */
  readonly loadRefreshToken: () => Promise<string | null>;
  /** Performs the grant; onAttempt lets the caller audit it. */
  readonly mint: (refreshToken: string, onAttempt: (a: RefreshAttempt) => void) => Promise<RefreshResult>;
  readonly onRefreshed?: (result: RefreshResult, attempt: RefreshAttempt | undefined) => Promise<void> | void;
  readonly onRefreshFailed?: (err: TokenRefreshError, attempt: RefreshAttempt | undefined) => Promise<void> | void;
}

export class ZohoTokenCache {
  readonly #redis: Redis;
  readonly #opts: TokenCacheOptions;
  readonly #keys: { token: string; lock: string; failed: string; mints: string; apiDomain: string };
  #apiDomain: { value: string | null; at: number } | undefined;

  constructor(redis: Redis, opts: TokenCacheOptions) {
    this.#redis = redis;
    this.#opts = opts;
    const ns = `zoho:${opts.organizationId}:token`;
    this.#keys = {
      token: `${ns}:access`,
      lock: `${ns}:lock`,
      failed: `${ns}:failed`,
      mints: `${ns}:mints`,
      apiDomain: `${ns}:api-domain`,
    };
  }

  /** A valid access token: from Redis, or refreshed by exactly one worker of the fleet. */
  async get(signal?: AbortSignal): Promise<string> {
    const deadline = Date.now() + (this.#opts.waitTimeoutMs ?? 30_000);
    for (;;) {
      const cached = await this.#redis.get(this.#keys.token);
      if (cached) return cached;
      const failed = await this.#redis.get(this.#keys.failed);
      if (failed) throw new TokenRefreshError(`${failed} (recent refresh failed; waiting before trying again)`);
      const owner = randomUUID();
      if ((await this.#redis.set(this.#keys.lock, owner, "PX", 15_000, "NX")) === "OK") {
        try {
          return await this.#refreshLocked();
        } finally {
          await DELETE_IF_EQUAL.run(this.#redis, [this.#keys.lock], [owner]);
        }
      }
      if (Date.now() > deadline) throw new TokenRefreshError("timed out waiting for another worker's refresh");
      await wait(50 + Math.floor(Math.random() * 50), undefined, { signal });
    }
  }

  /** The api_domain of the last token the fleet minted (null before the first); read from Redis once a minute. */
  async apiDomain(): Promise<string | null> {
    const memo = this.#apiDomain;
    if (memo && Date.now() - memo.at < API_DOMAIN_MEMO_MS) return memo.value;
    const value = await this.#redis.get(this.#keys.apiDomain);
    this.#apiDomain = { value, at: Date.now() };
    return value;
  }

  /** Drops the token Zoho refused, unless another worker has already replaced it. */
  async invalidate(refused: string): Promise<void> {
    await DELETE_IF_EQUAL.run(this.#redis, [this.#keys.token], [refused]);
  }

  async #refreshLocked(): Promise<string> {
    // Another worker may have refreshed between our miss and our lock.
    const cached = await this.#redis.get(this.#keys.token);
    if (cached) return cached;
    let attempt: RefreshAttempt | undefined;
    try {
      const refreshToken = await this.#opts.loadRefreshToken();
      if (!refreshToken)
        throw new TokenRefreshError("no refresh token stored for the organization (set ZOHO_REFRESH_TOKEN)");
      await this.#noteMint();
      const result = await this.#opts.mint(refreshToken, (a) => {
        attempt = a;
      });
      if (result.apiDomain) {
        await this.#redis.set(this.#keys.apiDomain, result.apiDomain);
        this.#apiDomain = { value: result.apiDomain, at: Date.now() };
      }
      const lifetimeMs = result.expiresInS * 1000;
      const ttlMs = Math.max(1000, lifetimeMs - Math.min(this.#opts.refreshMarginMs, lifetimeMs / 2));
      await this.#redis.set(this.#keys.token, result.accessToken, "PX", Math.floor(ttlMs));
      await this.#opts.onRefreshed?.(result, attempt);
      return result.accessToken;
    } catch (err) {
      const e = err instanceof TokenRefreshError ? err : new TokenRefreshError(String(err), { cause: err });
      await this.#redis.set(this.#keys.failed, e.reason, "PX", await this.#backoffMs(e));
      await this.#opts.onRefreshFailed?.(e, attempt);
      throw e;
    }
  }

  /** Remembers when the fleet minted (a sorted set of the last ten minutes' mints). */
  async #noteMint(): Promise<void> {
    const now = Date.now();
    await this.#redis
      .multi()
      .zremrangebyscore(this.#keys.mints, "-inf", now - MINT_WINDOW_MS)
      .zadd(this.#keys.mints, String(now), `${now}:${randomUUID()}`)
      .pexpire(this.#keys.mints, MINT_WINDOW_MS)
      .exec();
  }

  /** After the mint limit: until the window of the oldest recent mint ends (all ten minutes if unknown). */
  async #backoffMs(err: TokenRefreshError): Promise<number> {
    const base = this.#opts.failureBackoffMs;
    if (err.reason !== MINT_LIMIT_ERROR) return base;
    const oldest = await this.#redis.zrange(this.#keys.mints, "0", "0", "WITHSCORES");
    const windowEnd = oldest[1] ? Number(oldest[1]) + MINT_WINDOW_MS : Date.now() + MINT_WINDOW_MS;
    return Math.max(base, windowEnd - Date.now());
  }
}
