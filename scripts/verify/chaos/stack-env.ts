/**
 * The environment each chaos child process starts with: declarative tables of the compressed
 * settings (short visibility timeout, backoff, breaker cooldown) that let a run fit in minutes.
 */
import { createHash } from "node:crypto";
import type { resourceNames } from "../../../lib/naming.ts";

/** Receives before SQS dead-letters a message; the worker's WORKER_MAX_RECEIVES matches it. */
export const CHAOS_MAX_RECEIVES = 5;
/** Worker visibility timeout (s): a SIGKILLed worker's messages (and its bill locks) come back after this. */
export const CHAOS_VISIBILITY_S = 20;
export const ORGANIZATION_ID = "10234695";
/** Zoho's per-minute window, compressed for the run (simulator and worker agree on it). */
export const CHAOS_ZOHO_WINDOW_MS = 10_000;

export type ChildEnv = Record<string, string | undefined>;

/** The OAuth client the simulator accepts and the workers present. */
export interface ZohoClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
}

/** Settings the service and the workers share: where the database, Redis, buckets and queues are. */
export function sharedEnv(
  env0: ChildEnv,
  at: {
    readonly environment: string;
    readonly names: ReturnType<typeof resourceNames>;
    readonly region: string;
    readonly appDatabaseUrl: string;
    readonly passwordFile: string;
    readonly redisProxyPort: number;
    readonly queueUrl: string;
    readonly dlqUrl: string;
  },
): ChildEnv {
  return {
    ...env0,
    ENVIRONMENT: at.environment,
    LOG_LEVEL: "info",
    // The app role (password from a file it re-reads, rotated mid-run) through the hang proxies.
    DATABASE_URL: at.appDatabaseUrl,
    DATABASE_PASSWORD_FILE: at.passwordFile,
    REDIS_URL: `redis://127.0.0.1:${at.redisProxyPort}`,
    REDIS_KEY_PREFIX: "chaos:",
    INCOMING_BUCKET: at.names.incomingBucket,
    PROCESSED_BUCKET: at.names.processedBucket,
    S3_FORCE_PATH_STYLE: "true",
    QUEUE_URL: at.queueUrl,
    DLQ_URL: at.dlqUrl,
    AWS_REGION: at.region,
  };
}

export function simEnv(env0: ChildEnv, simPort: number, client: ZohoClient): ChildEnv {
  return {
    ...env0,
    ZOHO_SIM_PORT: String(simPort),
    ZOHO_SIM_CLIENT_ID: client.clientId,
    ZOHO_SIM_CLIENT_SECRET: client.clientSecret,
    ZOHO_SIM_REFRESH_TOKEN: client.refreshToken,
    ZOHO_SIM_ORGANIZATION_ID: ORGANIZATION_ID,
    // Zoho's "minute" compressed to 10 s (the worker's window matches), and the limit raised so
    // 2,000 bills fit in minutes; 429s come from the injected storms.
    ZOHO_SIM_RATE_LIMIT: "1000",
    ZOHO_SIM_WINDOW_MS: String(CHAOS_ZOHO_WINDOW_MS),
    ZOHO_SIM_DAILY_QUOTA: "1000000",
    // Hours of revocations and Redis losses are packed into minutes: allow more mints than Zoho's 10/10 min.
    ZOHO_SIM_MINT_LIMIT: "100",
    ZOHO_SIM_MAX_LIVE_TOKENS: "100",
    ZOHO_SIM_STORE_ATTACHMENT_BYTES: "false",
  };
}

export function serviceEnv(shared: ChildEnv, servicePort: number, apiKey: string): ChildEnv {
  return {
    ...shared,
    HOST: "127.0.0.1",
    PORT: String(servicePort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${servicePort}`,
    API_KEYS: JSON.stringify([{ name: "chaos", sha256: createHash("sha256").update(apiKey).digest("hex") }]),
    RATE_LIMIT_PER_MINUTE: "1000000",
    SWEEPER_STALE_AFTER_MS: "10000",
    SWEEPER_INTERVAL_MS: "2000",
    // Rows a killed worker left in processing are re-sent after this (production: 15 min); above
    // the longest attempt (visibility timeout) so a live delivery is never doubled.
    SWEEPER_STUCK_PROCESSING_AFTER_MS: String(CHAOS_VISIBILITY_S * 2 * 1000),
    // A message lost before any worker claimed its bill is sent again after visibility x receives
    // + 20 s (production: 30 min), well inside the drain timeout.
    SWEEPER_UNCLAIMED_AFTER_MS: String((CHAOS_VISIBILITY_S * CHAOS_MAX_RECEIVES + 20) * 1000),
    SHUTDOWN_GRACE_MS: "2000",
  };
}

export function workerEnv(shared: ChildEnv, simUrl: string, client: ZohoClient, tokenKey: string): ChildEnv {
  return {
    ...shared,
    ZOHO_ACCOUNTS_URL: simUrl,
    ZOHO_API_URL: `${simUrl}/books/v3`,
    ZOHO_ORGANIZATION_ID: ORGANIZATION_ID,
    ZOHO_CLIENT_ID: client.clientId,
    ZOHO_CLIENT_SECRET: client.clientSecret,
    ZOHO_REFRESH_TOKEN: client.refreshToken,
    TOKEN_ENCRYPTION_KEY: tokenKey,
    ZOHO_RATE_LIMIT_PER_MINUTE: "800",
    // A code-44 429 pauses the fleet for one window: 10 s here instead of a minute.
    ZOHO_RATE_WINDOW_MS: String(CHAOS_ZOHO_WINDOW_MS),
    ZOHO_DAILY_QUOTA: "1000000",
    ZOHO_TIMEOUT_MS: "4000",
    WORKER_VISIBILITY_TIMEOUT_S: String(CHAOS_VISIBILITY_S),
    WORKER_HEARTBEAT_S: "5",
    WORKER_WAIT_TIME_S: "2",
    WORKER_MAX_RECEIVES: String(CHAOS_MAX_RECEIVES),
    WORKER_MAX_THROTTLE_WAIT_MS: "10000",
    WORKER_RETRY_BASE_S: "1",
    WORKER_RETRY_MAX_S: "8",
    // Production looks at the DLQ every minute; compressed like the rest of the run.
    WORKER_DLQ_RECONCILE_INTERVAL_MS: "5000",
    ZOHO_BREAKER_WINDOW_MS: "10000",
    ZOHO_BREAKER_COOLDOWN_MS: "2000",
    ZOHO_TOKEN_FAILURE_BACKOFF_MS: "1000",
    SHUTDOWN_GRACE_MS: "2000",
  };
}
