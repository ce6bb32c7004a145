/**
 * The Zoho access token, shared by the fleet through Redis. On a miss exactly one worker refreshes
 * (a Redis lock, SET NX PX); the others wait for the token to appear. A 401 invalidates only the
 * token that was refused (compare-and-delete), so many workers hitting 401 with the same stale
 * token cause one refresh, not many. A failed refresh is remembered for a back-off period so the
 * fleet does not hammer the accounts server (Zoho allows about 10 mints per 10 minutes).
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
  readonly #keys: { token: string; lock: string; failed: string };

  constructor(redis: Redis, opts: TokenCacheOptions) {
    this.#redis = redis;
    this.#opts = opts;
    const ns = `zoho:${opts.organizationId}:token`;
    this.#keys = { token: `${ns}:access`, lock: `${ns}:lock`, failed: `${ns}:failed` };
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
      const result = await this.#opts.mint(refreshToken, (a) => {
        attempt = a;
      });
      const lifetimeMs = result.expiresInS * 1000;
      const ttlMs = Math.max(1000, lifetimeMs - Math.min(this.#opts.refreshMarginMs, lifetimeMs / 2));
      await this.#redis.set(this.#keys.token, result.accessToken, "PX", Math.floor(ttlMs));
      await this.#opts.onRefreshed?.(result, attempt);
      return result.accessToken;
    } catch (err) {
      const e = err instanceof TokenRefreshError ? err : new TokenRefreshError(String(err), { cause: err });
      await this.#redis.set(this.#keys.failed, e.reason, "PX", this.#opts.failureBackoffMs);
      await this.#opts.onRefreshFailed?.(e, attempt);
      throw e;
    }
  }
}
