/**
 * Failed authentications (NetSuite key, admin key, signature) per client address, counted in Redis
 * over a one-minute window and shared by every instance. Past the limit the address is refused
 * with 429 for the rest of the window, but only for requests without a valid key: NetSuite's egress
 * addresses are shared by many NetSuite customers, and their failures must not lock ours out.
 */
import type { Redis } from "ioredis";

const WINDOW_MS = 60_000;

export interface FailureCounterOptions {
  readonly redis: Redis;
  readonly limitPerMinute: number;
  readonly onRedisError: (err: unknown) => void;
}

export class AuthFailureCounter {
  readonly #o: FailureCounterOptions;
  constructor(o: FailureCounterOptions) {
    this.#o = o;
  }

  #key(ip: string): string {
    return `authfail:${ip}`;
  }

  /** Counts one failure; returns the milliseconds the address is now blocked for (0 while under the limit). */
  async record(ip: string): Promise<number> {
    try {
      const key = this.#key(ip);
      const out = (await this.#o.redis.multi().incr(key).pexpire(key, WINDOW_MS, "NX").pttl(key).exec()) as [
        [unknown, number],
        [unknown, number],
        [unknown, number],
      ];
      const [[, count], , [, ttl]] = out;
      return count > this.#o.limitPerMinute ? Math.max(ttl, 1000) : 0;
    } catch (err) {
      // Redis trouble fails open: the key check still decides.
      this.#o.onRedisError(err);
      return 0;
    }
  }
}
