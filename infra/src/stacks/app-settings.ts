/**
 * The application settings the stack hands to the processes: the instances' app.env (user data)
 * and the burst Lambda's environment. Every name is typed against lib/config.ts, the only reader
 * of these variables, so renaming a variable there fails the typecheck here until both agree.
 */
import type { BaseConfig, ServiceConfig, WorkerConfig } from "../../../lib/config.ts";
import type { SECRET_ENV_INPUTS } from "../../../lib/secret-env.ts";

/**
 * Names a settings map may use: keys of one lib/config.ts configuration. Each map below is checked
 * with `satisfies`, so a name lib/config.ts does not read is a type error (excess property).
 */
export type SettingsOf<Config> = { readonly [K in keyof Config]?: string };

/** Inputs lib/secret-env.ts resolves into secret settings at cold start. */
export type SecretEnvInput = (typeof SECRET_ENV_INPUTS)[keyof typeof SECRET_ENV_INPUTS][number];

/** Values the settings come from: names, outputs of the stack's constructs and deploy-time config. */
export interface AppSettingsInputs {
  readonly environment: string;
  readonly region: string;
  readonly incomingBucket: string;
  readonly processedBucket: string;
  /** CMK the PDFs are encrypted with (S3_KMS_KEY_ID). */
  readonly storageKeyArn: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly metricsNamespace: string;
  readonly apiKeysSecretArn: string;
  /** Base URL NetSuite posts to (PUBLIC_BASE_URL). */
  readonly publicBaseUrl: string;
  /** Receives before the DLQ; the worker derives its retry budget from it. */
  readonly maxReceiveCount: number;
  /** The worker's processing budget per message, seconds (its visibility timeout). */
  readonly workerBudgetSeconds: number;
  /** Zoho calls per UTC day for the fleet (the same figure as the zoho-daily-quota alarm's). */
  readonly zohoDailyQuota: number;
  /** The Zoho organization's data centre. */
  readonly zohoDataCenter: WorkerConfig["ZOHO_DATA_CENTER"] & string;
  /** Default expense account for total-only bills; unset: such bills fail naming the setting. */
  readonly zohoDefaultExpenseAccountId?: string;
}

/** Settings every process reads (lib/config.ts `base`). */
export function baseSettings(i: AppSettingsInputs) {
  return {
    ENVIRONMENT: i.environment,
    AWS_REGION: i.region,
    INCOMING_BUCKET: i.incomingBucket,
    PROCESSED_BUCKET: i.processedBucket,
    S3_KMS_KEY_ID: i.storageKeyArn,
    QUEUE_URL: i.queueUrl,
    DLQ_URL: i.dlqUrl,
    METRICS_NAMESPACE: i.metricsNamespace,
    XRAY_ENABLED: "true",
    // The workers' limiter enforces it; the service's console shows today's calls against it.
    ZOHO_DAILY_QUOTA: String(i.zohoDailyQuota),
  } satisfies SettingsOf<BaseConfig>;
}

/** Settings only the ingest service reads (lib/config.ts `service`). */
export function serviceSettings(i: AppSettingsInputs) {
  return {
    API_KEYS_SECRET_ID: i.apiKeysSecretArn,
    PUBLIC_BASE_URL: i.publicBaseUrl,
    // The ALB is the one proxy hop: client IPs (failed-auth limit, logs) come from X-Forwarded-For.
    TRUST_PROXY_HOPS: "1",
  } satisfies SettingsOf<ServiceConfig>;
}

/** Settings only the worker reads (lib/config.ts `worker`). */
export function workerSettings(i: AppSettingsInputs) {
  return {
    WORKER_MAX_RECEIVES: String(i.maxReceiveCount),
    WORKER_VISIBILITY_TIMEOUT_S: String(i.workerBudgetSeconds),
    ZOHO_DATA_CENTER: i.zohoDataCenter,
    // Absent rather than empty when unset (lib/config.ts reads "" as unset too).
    ...(i.zohoDefaultExpenseAccountId ? { ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID: i.zohoDefaultExpenseAccountId } : {}),
  } satisfies SettingsOf<WorkerConfig>;
}

/**
 * DATABASE_SECRET_ID: the secret behind a process's DATABASE_URL, re-read when the database refuses
 * the password (28P01, a rotated login), so new connections use the new one without a restart.
 */
export function databaseSecretSettings(databaseSecretArn: string) {
  return { DATABASE_SECRET_ID: databaseSecretArn } satisfies SettingsOf<BaseConfig>;
}

/** ADMIN_DATABASE_SECRET_ID: the on-call login behind the admin API's ADMIN_DATABASE_URL, re-read the same way. */
export function adminDatabaseSecretSettings(adminDatabaseSecretArn: string) {
  return { ADMIN_DATABASE_SECRET_ID: adminDatabaseSecretArn } satisfies SettingsOf<ServiceConfig>;
}

/**
 * The one non-secret settings map, written to the instances' app.env and given to the Lambda.
 * Secrets are never in it: the instances fetch them at each start, the Lambda at cold start.
 */
export function appSettings(i: AppSettingsInputs) {
  return { ...baseSettings(i), ...serviceSettings(i), ...workerSettings(i) };
}
/** Every setting the stack hands out, each name a lib/config.ts key. */
export type AppSettings = ReturnType<typeof appSettings>;

/** What the worker reads (the worker tier's app.env, the burst Lambda): no service settings. */
export function workerProcessSettings(i: AppSettingsInputs) {
  return { ...baseSettings(i), ...workerSettings(i) };
}
export type WorkerProcessSettings = ReturnType<typeof workerProcessSettings>;

/** Where the burst Lambda finds its secrets: ids and hosts only, resolved by lib/secret-env.ts. */
export type SecretEnvInputs = Readonly<Record<SecretEnvInput, string>>;

/** The burst Lambda's environment: the worker's settings, the secrets' names (never their values), Node's CA. */
export function burstConsumerEnvironment(
  settings: WorkerProcessSettings,
  secretInputs: SecretEnvInputs,
): WorkerProcessSettings & SecretEnvInputs & { readonly NODE_EXTRA_CA_CERTS: string } {
  return {
    ...settings,
    ...secretInputs,
    // Lambda's Node 20+ runtimes no longer load Amazon's CAs (RDS included) unless told to.
    NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
  };
}
