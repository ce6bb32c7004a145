/** Redis through ioredis. Every key is prefixed (REDIS_KEY_PREFIX) so environments and tests can share a server. */
import { Redis } from "ioredis";

export type { Redis };

export interface RedisOptions {
  readonly REDIS_URL: string;
  readonly REDIS_KEY_PREFIX?: string;
}

export function createRedis(config: RedisOptions, name = "bills"): Redis {
  return new Redis(config.REDIS_URL, {
    keyPrefix: config.REDIS_KEY_PREFIX ?? "bills:",
    connectionName: name,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // Reconnect forever with capped backoff: a Redis failover must not kill the process.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
}
