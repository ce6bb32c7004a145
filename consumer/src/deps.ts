/**
 * Builds the handler's dependencies from the worker configuration. Called once by worker.ts or
 * lambda.ts (nothing connects at import time); close() releases everything.
 */
import type { Redis } from "ioredis";
import { type AuditEntry, writeAuditLog } from "../../lib/audit.ts";
import { createAwsClients, destroyAwsClients } from "../../lib/aws.ts";
import type { WorkerConfig } from "../../lib/config.ts";
import { createDb, type DatabasePool } from "../../lib/db.ts";
import type { Logger } from "../../lib/logger.ts";
import { Metrics } from "../../lib/metrics.ts";
import { createRedis } from "../../lib/redis.ts";
import { databasePasswordReader } from "../../lib/secret-env.ts";
import type { HandlerDeps } from "./types.ts";
import { CircuitBreaker } from "./zoho/circuit-breaker.ts";
import { ZohoBooksClient } from "./zoho/client.ts";
import { resolveZohoHosts, type ZohoHosts } from "./zoho/data-centers.ts";
import { type RefreshAttempt, refreshAccessToken } from "./zoho/oauth.ts";
import { ZohoRateLimiter } from "./zoho/rate-limiter.ts";
import { ZohoTokenCache } from "./zoho/token-cache.ts";
import { loadRefreshToken, recordRefreshFailure, recordRefreshSuccess, seedRefreshToken } from "./zoho/token-store.ts";

export interface WorkerDeps extends HandlerDeps {
  readonly limiter: ZohoRateLimiter;
  readonly breaker: CircuitBreaker;
  readonly tokens: ZohoTokenCache;
  close(): Promise<void>;
}

export async function buildDeps(config: WorkerConfig, log: Logger, signal?: AbortSignal): Promise<WorkerDeps> {
  // Before any connection: hosts that contradict ZOHO_DATA_CENTER stop the start-up (ConfigError).
  const hosts = resolveZohoHosts(config);
  const aws = createAwsClients(config);
  // A refused password (a rotation) is re-read from DATABASE_SECRET_ID's secret (lib/db.ts).
  const reread = config.DATABASE_SECRET_ID ? databasePasswordReader(aws.secrets, config.DATABASE_SECRET_ID) : undefined;
  const db = await createDb(config, reread);
  const redis = createRedis(config, "bill-worker");
  // ioredis reconnects by itself; without a listener each failure is printed as "Unhandled error event".
  redis.on("error", (err) => log.warn({ err }, "redis connection error"));
  const metrics = new Metrics(aws.cloudwatch, {
    namespace: config.METRICS_NAMESPACE,
    environment: config.ENVIRONMENT,
    flushIntervalMs: config.METRICS_FLUSH_INTERVAL_MS,
    onError: (err) => log.warn({ err }, "metrics flush failed"),
  }).start();
  await seedRefreshTokenFromEnv(config, db, log);
  const audit: AuditWriter = (entry) => writeAuditLog(db, entry);
  const { limiter, breaker } = fleetGuards(config, redis);
  const tokens = tokenCache(config, { db, redis, metrics, log, audit, hosts });
  const zoho = new ZohoBooksClient({
    apiUrl: hosts.apiUrl,
    organizationId: config.ZOHO_ORGANIZATION_ID,
    timeoutMs: config.ZOHO_TIMEOUT_MS,
    perMinutePauseMs: config.ZOHO_RATE_WINDOW_MS,
    tokens,
    limiter,
    breaker,
    audit,
    metrics,
    tracing: config.XRAY_ENABLED,
  });
  return {
    settings: config,
    db,
    redis,
    s3: aws.s3,
    sqs: aws.sqs,
    zoho,
    metrics,
    log,
    signal,
    limiter,
    breaker,
    tokens,
    async close() {
      await metrics.stop();
      await db.end();
      redis.disconnect();
      destroyAwsClients(aws);
    },
  };
}

type AuditWriter = (entry: AuditEntry) => Promise<void>;

async function seedRefreshTokenFromEnv(config: WorkerConfig, db: DatabasePool, log: Logger): Promise<void> {
  if (!config.ZOHO_REFRESH_TOKEN) return;
  const org = config.ZOHO_ORGANIZATION_ID;
  const seeded = await seedRefreshToken(db, org, config.ZOHO_REFRESH_TOKEN, config.TOKEN_ENCRYPTION_KEY);
  if (seeded) log.info({ organizationId: org }, "seeded the encrypted Zoho refresh token from ZOHO_REFRESH_TOKEN");
}

/** The fleet limiter and the circuit breaker, which pauses the fleet through the limiter's key. */
function fleetGuards(config: WorkerConfig, redis: Redis): { limiter: ZohoRateLimiter; breaker: CircuitBreaker } {
  const limiter = new ZohoRateLimiter(redis, {
    organizationId: config.ZOHO_ORGANIZATION_ID,
    limit: config.ZOHO_RATE_LIMIT_PER_MINUTE,
    windowMs: config.ZOHO_RATE_WINDOW_MS,
    guardMs: config.ZOHO_RATE_GUARD_MS,
    dailyQuota: config.ZOHO_DAILY_QUOTA,
    maxInFlight: config.ZOHO_MAX_IN_FLIGHT,
    leaseMs: config.ZOHO_TIMEOUT_MS + 5_000,
  });
  const breaker = new CircuitBreaker(redis, {
    organizationId: config.ZOHO_ORGANIZATION_ID,
    threshold: config.ZOHO_BREAKER_THRESHOLD,
    windowMs: config.ZOHO_BREAKER_WINDOW_MS,
    cooldownMs: config.ZOHO_BREAKER_COOLDOWN_MS,
    pauseKey: limiter.pauseKey,
  });
  return { limiter, breaker };
}

interface TokenCacheDeps {
  readonly db: DatabasePool;
  readonly redis: Redis;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly audit: AuditWriter;
  readonly hosts: ZohoHosts;
}

/** The shared access-token cache; every refresh is counted, logged, recorded on the row and audited. */
function tokenCache(config: WorkerConfig, d: TokenCacheDeps): ZohoTokenCache {
  const { db, metrics, log } = d;
  const org = config.ZOHO_ORGANIZATION_ID;
  const auditRefresh = refreshAuditor(config, d);
  return new ZohoTokenCache(d.redis, {
    organizationId: org,
    refreshMarginMs: config.ZOHO_TOKEN_REFRESH_MARGIN_MS,
    failureBackoffMs: config.ZOHO_TOKEN_FAILURE_BACKOFF_MS,
    loadRefreshToken: () => loadRefreshToken(db, org),
    mint: (refreshToken, onAttempt) =>
      refreshAccessToken(
        {
          accountsUrl: d.hosts.accountsUrl,
          clientId: config.ZOHO_CLIENT_ID,
          clientSecret: config.ZOHO_CLIENT_SECRET,
          refreshToken,
          timeoutMs: config.ZOHO_TIMEOUT_MS,
        },
        onAttempt,
      ),
    onRefreshed: async (result, attempt) => {
      metrics.record("ZohoTokenRefreshes", 1);
      log.info({ expiresInS: result.expiresInS, zohoOperation: "oauth.refresh" }, "refreshed the Zoho access token");
      await recordRefreshSuccess(db, org, new Date(Date.now() + result.expiresInS * 1000), result.apiDomain);
      await auditRefresh(attempt, null);
    },
    onRefreshFailed: async (err, attempt) => {
      metrics.record("ZohoTokenRefreshFailures", 1);
      log.error({ reason: err.reason, zohoOperation: "oauth.refresh" }, "Zoho access token refresh failed");
      await recordRefreshFailure(db, org, err.reason).catch(() => {});
      await auditRefresh(attempt, err.reason);
    },
  });
}

/** Writes one api_audit_logs row per refresh grant (the client id, never the secret or a token). */
function refreshAuditor(config: WorkerConfig, d: TokenCacheDeps) {
  const tokenUrl = new URL("/oauth/v2/token", d.hosts.accountsUrl).toString();
  return async (attempt: RefreshAttempt | undefined, error: string | null): Promise<void> => {
    await d
      .audit({
        transactionId: null,
        operation: "oauth.refresh",
        method: "POST",
        url: attempt?.url ?? tokenUrl,
        statusCode: attempt?.statusCode ?? null,
        zohoCode: null,
        durationMs: attempt?.durationMs ?? null,
        request: { grant_type: "refresh_token", client_id: config.ZOHO_CLIENT_ID },
        response: attempt?.response ?? {},
        error,
      })
      .catch((err) => d.log.error({ err }, "could not write the audit log row"));
  };
}
