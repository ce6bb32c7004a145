/**
 * Configuration: the only reader of process.env. Each entry point calls one loader once at
 * start-up; a bad or missing variable stops the process with a message naming every offender.
 * Stand-ins are chosen only through standard settings (AWS_ENDPOINT_URL, DATABASE_URL,
 * REDIS_URL, ZOHO_*_URL): there is no "local mode" switch.
 */
import { z } from "zod";
import { bool, ConfigError, type Env, int, parseEnv, url } from "./config-parse.ts";

export { ConfigError, type Env };

/** Settings every process needs: identity, logging, Postgres, Redis and the AWS resources. */
const base = {
  /** Deployment name used in metric dimensions and logs. */
  ENVIRONMENT: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,30}$/)
    .default("local"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  AWS_REGION: z.string().min(1).default("us-east-1"),
  /** When set, every AWS client talks to this endpoint (moto locally); read by the SDK too. */
  AWS_ENDPOINT_URL: url(/^https?$/).optional(),
  DATABASE_URL: url(/^postgres(ql)?$/),
  /** A file holding the database password, read at each new connection (rotation without restart). */
  DATABASE_PASSWORD_FILE: z.string().min(1).optional(),
  /**
   * Secrets Manager secret ({username, password}) behind DATABASE_URL's password: re-read when the
   * database refuses the password (SQLSTATE 28P01, a rotation), so new connections use the new one.
   */
  DATABASE_SECRET_ID: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  /** Statement timeout for every query, in ms: a runaway query cannot hold a connection forever. */
  DATABASE_STATEMENT_TIMEOUT_MS: int(100).default(15_000),
  REDIS_URL: url(/^rediss?$/),
  /** Prefix for every Redis key, so environments (and test files) can share one Redis. */
  REDIS_KEY_PREFIX: z.string().max(64).default("bills:"),
  INCOMING_BUCKET: z.string().min(3).max(63),
  PROCESSED_BUCKET: z.string().min(3).max(63),
  /** KMS key for server-side encryption of stored PDFs; unset means the bucket default. */
  S3_KMS_KEY_ID: z.string().min(1).optional(),
  /** Path-style S3 addressing; needed by S3 stand-ins such as moto. */
  S3_FORCE_PATH_STYLE: bool.default(false),
  QUEUE_URL: url(/^https?$/),
  DLQ_URL: url(/^https?$/),
  METRICS_NAMESPACE: z.string().min(1).default("BillMiddleware"),
  /** How often batched metrics are flushed with PutMetricData. */
  METRICS_FLUSH_INTERVAL_MS: int(100).default(10_000),
  /** X-Ray tracing: segments go to the daemon at AWS_XRAY_DAEMON_ADDRESS when enabled. */
  XRAY_ENABLED: bool.default(false),
  /**
   * Zoho calls per UTC day for the whole fleet: set it per stack to the production plan's figure
   * (Zoho: 1,000 Free to 10,000 Premium and up; bills need Professional, 5,000). At one call per bill
   * the plan caps bills per day, so the seed's 10,000 bills/day needs 10,000 (or a raise from Zoho).
   * ZohoDailyCallsUsed (metric) counts against it; the alarm fires at 80 %. A base setting: the
   * workers' fleet limiter enforces it, the service's console shows today's calls against it.
   */
  ZOHO_DAILY_QUOTA: int(1).default(5000),
};

/** Ingest service (Fastify). */
const service = {
  ...base,
  HOST: z.string().default("0.0.0.0"),
  PORT: int(1, 65535).default(3000),
  /** Base URL clients use to reach this service; builds status URLs and Location headers. */
  PUBLIC_BASE_URL: url(/^https?$/).optional(),
  /** Largest decoded PDF accepted, in bytes (413 above it). */
  MAX_PDF_BYTES: int(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  /**
   * API keys as JSON: [{"name":"netsuite-prod","sha256":"<hex of key>","hmacSecrets":["whsec_..."]}].
   * Either this or API_KEYS_SECRET_ID (a Secrets Manager secret holding the same JSON).
   */
  API_KEYS: z.string().min(2).optional(),
  API_KEYS_SECRET_ID: z.string().min(1).optional(),
  /** Requests per minute per API key, shared across all instances through Redis. */
  RATE_LIMIT_PER_MINUTE: int(1).default(600),
  /** Failed authentication attempts per minute per client address. */
  AUTH_FAILURE_LIMIT_PER_MINUTE: int(1).default(20),
  /** A pending row whose enqueue has not succeeded after this long is enqueued again by the sweeper. */
  SWEEPER_STALE_AFTER_MS: int(1000).default(60_000),
  SWEEPER_INTERVAL_MS: int(100).default(30_000),
  /** Signed-request timestamps older or newer than this are rejected. */
  SIGNATURE_TOLERANCE_SECONDS: int(1, 3600).default(300),
  /** Sunset date announced on the legacy endpoint (RFC 9745 / RFC 8594). */
  LEGACY_SUNSET: z.string().default("Wed, 30 Jun 2027 00:00:00 GMT"),
  SHUTDOWN_GRACE_MS: int(0).default(25_000),
  /** When the legacy endpoint was deprecated (ISO date); sent as the RFC 9745 Deprecation header. */
  LEGACY_DEPRECATED_AT: z.iso.datetime().default("2026-12-01T00:00:00Z"),
  /**
   * Proxy hops whose X-Forwarded-For is trusted for the client address (per-IP auth-failure limit).
   * 0 trusts nothing (direct exposure); behind the ALB set 1, or every client looks like the ALB.
   */
  TRUST_PROXY_HOPS: int(0, 10).default(0),
  /**
   * A pending row whose message was sent longer ago than this is enqueued again by the sweeper (the
   * message is presumed lost). Far above any queue backlog or retry delay; below the queue's retention.
   */
  SWEEPER_RESEND_AFTER_MS: int(60_000).default(24 * 60 * 60 * 1000),
  /**
   * A pending row no worker has claimed since its message went out this long ago is enqueued again
   * (the message is presumed lost; a duplicate is harmless). Default: the deployed queue's visibility
   * timeout x receives (720 s, 6 x the burst Lambda's timeout, x 5) + 20 min margin for a backlog
   * = 80 min (runbooks/test/retention.test.ts checks it against infra). At most two such extra enqueues per row.
   */
  SWEEPER_UNCLAIMED_AFTER_MS: int(60_000).default((720 * 5 + 20 * 60) * 1000),
  /**
   * A processing row untouched this long is enqueued again by the sweeper (its worker died or lost
   * the database mid-delivery). Must exceed the longest delivery attempt (visibility timeout).
   */
  SWEEPER_STUCK_PROCESSING_AFTER_MS: int(10_000).default(15 * 60 * 1000),
  /** Rows one sweep claims at most. */
  SWEEPER_BATCH_SIZE: int(1, 1000).default(100),
  /** How often keys from API_KEYS_SECRET_ID and ADMIN_API_KEYS_SECRET_ID are re-read (SIGHUP: at once). */
  API_KEYS_REFRESH_MS: int(1000).default(300_000),
  /** @fastify/under-pressure: 503 before the process falls over. 0 turns a check off. */
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: int(0).default(1_000),
  /** Explicit limits; unset means derived from the fractions below. */
  PRESSURE_MAX_HEAP_USED_BYTES: int(0).optional(),
  PRESSURE_MAX_RSS_BYTES: int(0).optional(),
  /** Share of V8's heap limit / of the instance's memory (os.totalmem) above which requests get 503. */
  PRESSURE_MAX_HEAP_FRACTION: z.coerce.number().min(0).max(1).default(0.85),
  PRESSURE_MAX_RSS_FRACTION: z.coerce.number().min(0).max(1).default(0.75),
  /**
   * Request body bytes (Content-Length) held at once; a request past it gets 503 + Retry-After.
   * A body costs ~3.5x its size in memory (string, parsed copy, decoded PDF). Unset: 10% of memory.
   */
  MAX_BODY_BYTES_IN_FLIGHT: int(1024).optional(),
  /** Event-loop utilization (0..1) above which requests get 503. */
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).default(0.98),
  /**
   * Keys for the error-management API under /admin/v1 (service/src/routes/admin/), in the
   * API_KEYS format ([{"name":"ops-alice","sha256":"<hex>"}], hashes only), sent as x-admin-key.
   * A separate set from NetSuite's keys, so a leaked NetSuite key cannot retry or resolve bills.
   * Unset (the default) means the admin routes are not registered at all.
   */
  ADMIN_API_KEYS: z.string().min(2).optional(),
  /**
   * The admin API's database login (the on-call role, which may write operator actions); the ingest
   * role behind DATABASE_URL may not. Unset: DATABASE_URL.
   */
  ADMIN_DATABASE_URL: url(/^postgres(ql)?$/).optional(),
  /** The secret behind ADMIN_DATABASE_URL, re-read when the database refuses its password (rotation). */
  ADMIN_DATABASE_SECRET_ID: z.string().min(1).optional(),
  /** The admin keys from a Secrets Manager secret (same JSON) instead of ADMIN_API_KEYS; re-read like API keys. */
  ADMIN_API_KEYS_SECRET_ID: z.string().min(1).optional(),
};

/** Delivery worker (sqs-consumer or Lambda). */
const worker = {
  ...base,
  /**
   * The organization's Zoho data centre; gives both hosts (consumer/src/zoho/data-centers.ts). Unset:
   * ZOHO_ACCOUNTS_URL (else the US host), and the API host from the token's api_domain. Set together
   * with an explicit URL of another data centre, the worker refuses to start.
   */
  ZOHO_DATA_CENTER: z.enum(["us", "eu", "in", "au", "jp", "ca", "sa", "cn"]).optional(),
  /** Explicit hosts (the simulator locally); must agree with ZOHO_DATA_CENTER when both are set. */
  ZOHO_ACCOUNTS_URL: url(/^https?$/).optional(),
  ZOHO_API_URL: url(/^https?$/).optional(),
  /** one-call (multipart JSONString + attachment), two-call (JSON create, then attach) or auto. */
  ZOHO_CREATE_MODE: z.enum(["one-call", "two-call", "auto"]).default("auto"),
  /** Zoho account_id for a bill that carries only a total (one line), and for Zoho-terms lines without one. */
  ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID: z
    .string()
    .regex(/^\d{1,30}$/, "expected a Zoho account_id")
    .optional(),
  ZOHO_ORGANIZATION_ID: z.string().regex(/^\d{1,30}$/, "expected Zoho's numeric organization id"),
  ZOHO_CLIENT_ID: z.string().min(1),
  ZOHO_CLIENT_SECRET: z.string().min(1),
  /** Seeds zoho_tokens on first start; afterwards the encrypted row is the source of truth. */
  ZOHO_REFRESH_TOKEN: z.string().min(1).optional(),
  /** Key for pgcrypto encryption of tokens at rest (>= 32 characters). */
  TOKEN_ENCRYPTION_KEY: z.string().min(32, "must be at least 32 characters"),
  /**
   * Requests per window the whole fleet may spend. Zoho allows 100 a minute per organization; the
   * limiter counts a call until a window after it ends, so arrival delays need no headroom, and 98
   * leaves 2 for a stray call of another integration. Lower it when the organization has busy ones.
   */
  ZOHO_RATE_LIMIT_PER_MINUTE: int(1).default(98),
  ZOHO_RATE_WINDOW_MS: int(1000).default(60_000),
  ZOHO_MAX_IN_FLIGHT: int(1).default(8),
  ZOHO_TIMEOUT_MS: int(100).default(30_000),
  WORKER_BATCH_SIZE: int(1, 10).default(10),
  WORKER_VISIBILITY_TIMEOUT_S: int(1, 43200).default(120),
  WORKER_HEARTBEAT_S: int(1, 43200).default(30),
  WORKER_WAIT_TIME_S: int(0, 20).default(20),
  /** Receives after which a message goes to the DLQ; must match the queue's redrive policy. */
  WORKER_MAX_RECEIVES: int(1, 1000).default(5),
  SHUTDOWN_GRACE_MS: int(0).default(25_000),
  /**
   * Added to ZOHO_RATE_WINDOW_MS by the fleet limiter. 0: a call already counts from its grant until a
   * window after its end, which covers any delay between the grant and Zoho's clock. A margin for a
   * Zoho window that turns out coarser than documented.
   */
  ZOHO_RATE_GUARD_MS: int(0).default(0),
  /** Zoho failures (429, 5xx, network) inside ZOHO_BREAKER_WINDOW_MS that open the shared circuit breaker. */
  ZOHO_BREAKER_THRESHOLD: int(1).default(5),
  ZOHO_BREAKER_WINDOW_MS: int(100).default(30_000),
  /** How long an open breaker pauses every worker's polling and Zoho calls. */
  ZOHO_BREAKER_COOLDOWN_MS: int(100).default(30_000),
  /** Refresh the access token this long before Zoho says it expires (capped at half its lifetime). */
  ZOHO_TOKEN_REFRESH_MARGIN_MS: int(0).default(300_000),
  /** After a failed token refresh, no worker tries again for this long (Zoho allows ~10 mints per 10 min). */
  ZOHO_TOKEN_FAILURE_BACKOFF_MS: int(100).default(30_000),
  /**
   * Longest a message waits in-process for a limiter slot (or a 429 pause) before it is deferred (a
   * fresh delayed message) instead; keep it under the Lambda timeout when running as Lambda.
   */
  WORKER_MAX_THROTTLE_WAIT_MS: int(0).default(60_000),
  /** Exponential backoff with full jitter for transient errors: base * 2^(attempt-1), capped. */
  WORKER_RETRY_BASE_S: int(1, 900).default(10),
  /** Capped at SQS's largest DelaySeconds: a retry is a fresh delayed copy of the message. */
  WORKER_RETRY_MAX_S: int(1, 900).default(900),
  /**
   * How often the DLQ settler runs: one worker (a Redis lock elects it) looks at the DLQ for bills
   * still pending or processing, i.e. dead-lettered by receives no worker settled (crashes, database
   * outages). The variable keeps its deployed name (docs/glossary.md, deployed names): the settler's interval.
   */
  WORKER_DLQ_RECONCILE_INTERVAL_MS: int(1000).default(60_000),
  /** Such a bill goes back to the queue this many times at most; then its row is failed, with the reason. */
  WORKER_DLQ_AUTO_REDRIVES: int(0, 20).default(2),
  /** Scheduled jobs (consumer/src/jobs/), one runner across the fleet. Audit partition upkeep; 0 = off. */
  AUDIT_MAINTENANCE_INTERVAL_MS: int(0).default(6 * 3600 * 1000),
  /** api_audit_logs months kept created ahead of the current one. */
  AUDIT_MONTHS_AHEAD: int(1, 24).default(3),
  /** Months of api_audit_logs kept (the current one and the N-1 before); older ones are pruned. */
  AUDIT_RETENTION_MONTHS: int(1, 120).default(13),
  /** Pruned months are archived here (gzip NDJSON under audit-archive/) before the drop; unset = no archive. */
  AUDIT_ARCHIVE_BUCKET: z.string().min(3).optional(),
  /** The daily digest of failed bills goes to this SNS topic (finance's e-mail); unset = no digest. */
  FAILED_DIGEST_TOPIC_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:/, "expected an SNS topic ARN")
    .optional(),
  /** UTC hour after which the day's digest (the previous 24 hours) is sent. */
  FAILED_DIGEST_HOUR_UTC: int(0, 23).default(7),
};

export const serviceSchema = z.object(service);
export const workerSchema = z.object(worker);
export const baseSchema = z.object(base);
export type BaseConfig = Readonly<z.infer<typeof baseSchema>>;
export type ServiceConfig = Readonly<z.infer<typeof serviceSchema>>;
export type WorkerConfig = Readonly<z.infer<typeof workerSchema>>;

export const loadServiceConfig = (env: Env = process.env): ServiceConfig => {
  const cfg = parseEnv(serviceSchema, env);
  if (!cfg.API_KEYS && !cfg.API_KEYS_SECRET_ID) {
    throw new ConfigError([{ variable: "API_KEYS", message: "set API_KEYS or API_KEYS_SECRET_ID" }]);
  }
  return cfg;
};
export const loadWorkerConfig = (env: Env = process.env): WorkerConfig => parseEnv(workerSchema, env);
export const loadBaseConfig = (env: Env = process.env): BaseConfig => parseEnv(baseSchema, env);

/**
 * Operational commands (scripts/ops, used by the runbooks): only what they touch, so on-call can
 * run them on an instance or from a checkout through an SSM port-forward to the database.
 */
const ops = {
  ENVIRONMENT: base.ENVIRONMENT,
  LOG_LEVEL: base.LOG_LEVEL,
  AWS_REGION: base.AWS_REGION,
  AWS_ENDPOINT_URL: base.AWS_ENDPOINT_URL,
  DATABASE_URL: base.DATABASE_URL,
  /** A command needs a connection or two, not the service's pool. */
  DATABASE_POOL_SIZE: int(1, 20).default(2),
  /** Reports over a month of rows may run longer than any request should. */
  DATABASE_STATEMENT_TIMEOUT_MS: int(100).default(120_000),
  /** Needed to retry or redrive (they send to the queue); listing and reports work without it. */
  QUEUE_URL: base.QUEUE_URL.optional(),
  /** Needed by the DLQ views and to remove a retried bill's DLQ copy. */
  DLQ_URL: base.DLQ_URL.optional(),
  /** Months of api_audit_logs partitions that `bill-mw-ops partitions prune` keeps. */
  AUDIT_RETENTION_MONTHS: int(1, 120).default(13),
};
const opsSchema = z.object(ops);
export type OpsConfig = Readonly<z.infer<typeof opsSchema>>;
export const loadOpsConfig = (env: Env = process.env): OpsConfig => parseEnv(opsSchema, env);

/** Secret-rotation Lambda (infra/functions/secret-rotation.ts): tells this topic a renewal is due. */
const rotation = {
  AWS_REGION: base.AWS_REGION,
  ROTATION_TOPIC_ARN: z.string().regex(/^arn:aws[a-z-]*:sns:/, "expected an SNS topic ARN"),
};
const rotationSchema = z.object(rotation);
type RotationConfig = Readonly<z.infer<typeof rotationSchema>>;
export const loadRotationConfig = (env: Env = process.env): RotationConfig => parseEnv(rotationSchema, env);

/** The roles migration (migrations/1766000000000_create-database-roles.ts): login passwords, optional. */
const migrationRoles = {
  DB_ROLE_PASSWORD_OWNER: z.string().min(16).optional(),
  DB_ROLE_PASSWORD_INGEST: z.string().min(16).optional(),
  DB_ROLE_PASSWORD_DELIVERY: z.string().min(16).optional(),
  DB_ROLE_PASSWORD_ONCALL: z.string().min(16).optional(),
};
const migrationRoleSchema = z.object(migrationRoles);
export const loadMigrationRoleConfig = (env: Env = process.env) => parseEnv(migrationRoleSchema, env);
