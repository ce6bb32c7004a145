/** Redis through ioredis. Every key is prefixed (REDIS_KEY_PREFIX) so environments and tests can share a server. */
import { Redis } from "ioredis";

export type { Redis };

export interface RedisOptions {
  readonly REDIS_URL: string;
  readonly REDIS_KEY_PREFIX?: string;
}

/** Longest wait for one Redis command; Redis answers in well under a millisecond when healthy. */
export const REDIS_COMMAND_TIMEOUT_MS = 1_000;

export function createRedis(config: RedisOptions, name = "bills"): Redis {
  return new Redis(config.REDIS_URL, {
    keyPrefix: config.REDIS_KEY_PREFIX ?? "bills:",
    connectionName: name,
    maxRetriesPerRequest: 2,
    // A Redis that hangs (no error, no answer) must not hang requests: a command gives up after 1 s
    // and callers fail as for Redis down (the rate limit steps aside, a bill waits for its retry).
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: true,
    // Reconnect forever with capped backoff: a Redis failover must not kill the process.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
}
