/**
 * Names of the AWS resources both the infrastructure and the services refer to. The CDKTF stack
 * and the local bootstrap both call this, so a bucket or queue can never be named two ways.
 */
export interface ResourceNames {
  readonly incomingBucket: string;
  readonly processedBucket: string;
  readonly accessLogsBucket: string;
  readonly artifactsBucket: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
  readonly metricsNamespace: string;
  readonly apiKeysSecret: string;
  readonly zohoOAuthSecret: string;
  readonly releaseParameter: string;
  /** Ingest tier (or the single tier); the release command starts its instance refresh. */
  readonly autoScalingGroup: string;
  /** Worker tier (two-tier fleets only); refreshed by the release command too. */
  readonly workerAutoScalingGroup: string;
  /** Burst consumer Lambda; the release command points its code at each new bundle. */
  readonly burstFunction: string;
  /** Rotation Lambda of the Zoho OAuth and API-key secrets (same bundle). */
  readonly secretRotationFunction: string;
  /** ElastiCache auth token (Secrets Manager). */
  readonly redisAuthSecret: string;
  /** Keys of the admin API (lib/config.ts ADMIN_API_KEYS, JSON); written into the service's environment. */
  readonly adminApiKeysSecret: string;
  /** pgcrypto key of zoho_tokens (lib/config.ts TOKEN_ENCRYPTION_KEY), generated once, never rotated with Zoho's. */
  readonly tokenEncryptionKeySecret: string;
}

/** @param env environment name (local, staging, production) @param account optional suffix for global S3 names */
export function resourceNames(env: string, account = ""): ResourceNames {
  const suffix = account ? `-${account}` : "";
  const p = `bill-mw-${env}`;
  return {
    incomingBucket: `${p}-incoming${suffix}`,
    processedBucket: `${p}-processed${suffix}`,
    accessLogsBucket: `${p}-access-logs${suffix}`,
    artifactsBucket: `${p}-artifacts${suffix}`,
    queue: `${p}-bills`,
    deadLetterQueue: `${p}-bills-dlq`,
    metricsNamespace: "BillMiddleware",
    apiKeysSecret: `${p}/api-keys`,
    zohoOAuthSecret: `${p}/zoho-oauth`,
    releaseParameter: `/${p}/release/version`,
    autoScalingGroup: `${p}-app`,
    workerAutoScalingGroup: `${p}-worker`,
    burstFunction: `${p}-burst-consumer`,
    secretRotationFunction: `${p}-secret-rotation`,
    redisAuthSecret: `${p}/redis-auth`,
    adminApiKeysSecret: `${p}/admin-api-keys`,
    tokenEncryptionKeySecret: `${p}/token-encryption-key`,
  };
}

/** Receives before SQS moves a message to the DLQ; the worker's retry budget is derived from it. */
export const DEFAULT_MAX_RECEIVE_COUNT = 5;

/** Object key of a release bundle in the artifacts bucket (written by scripts/release/cli.ts, read at boot). */
export const releaseArtifactKey = (version: string): string => `releases/${version}/bill-middleware.zip`;

/** On-call commands in the release bundle (`ops/<command>.mjs`), run on an instance by `bill-mw-ops`. */
export const OPS_COMMANDS = [
  "failed-bills",
  "retry-stuck",
  "dlq-redrive",
  "reconcile",
  "partitions",
  "heap-diff",
  "mappings",
] as const;

/**
 * Value of the release parameter: the version and its bundle's SHA-256 (`1.2.3@sha256:<hex>`). Written
 * by scripts/release, split by the instances' user data, which refuse a bundle with another hash.
 */
export const releaseParameterValue = (version: string, sha256: string): string => `${version}@sha256:${sha256}`;

/**
 * How the instances are laid out (infra/src/environments.ts explains the choice): `two-tier`, an
 * ingest tier behind the ALB and a worker tier, each with its own role; `single-tier`, one group
 * running both. Shared by the stack and the release command.
 */
export type FleetLayout = "two-tier" | "single-tier";

/**
 * The Auto Scaling groups a release refreshes, and so the `fleet-groups` the release role may
 * refresh (infra/src/stacks/application.ts): the ingest and worker tiers, or the single tier.
 */
export function fleetGroups(names: ResourceNames, fleet: FleetLayout): readonly string[] {
  return fleet === "single-tier" ? [names.autoScalingGroup] : [names.autoScalingGroup, names.workerAutoScalingGroup];
}
