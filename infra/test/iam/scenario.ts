/**
 * Shared steps of the enforcement suite: each process's environment in the world (world.ts), bills
 * posted as NetSuite does, and waiting on a transaction's status.
 */
import { createHash, randomUUID } from "node:crypto";
import { ACME, pdfBytes, setFaults } from "../../../consumer/test/helper.ts";
import type { Env } from "../../../lib/config.ts";
import { NAMES } from "./policies.ts";
import { ACCOUNT_ID, REGION } from "./stand-in.ts";
import { ADMIN_KEY, API_KEY, type World } from "./world.ts";

export { freePort } from "../../../lib/testing/free-port.ts";

/** What every process reads, pointed at the stack's names in the stand-in (lib/config.ts base). */
function baseEnv(w: World): Env {
  const { ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, TOKEN_ENCRYPTION_KEY, ...rest } = w.e.env;
  return {
    ...rest,
    LOG_LEVEL: "info",
    INCOMING_BUCKET: NAMES.incomingBucket,
    PROCESSED_BUCKET: NAMES.processedBucket,
    S3_KMS_KEY_ID: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/storage`,
    QUEUE_URL: w.queueUrl,
    DLQ_URL: w.dlqUrl,
    METRICS_NAMESPACE: NAMES.metricsNamespace,
    METRICS_FLUSH_INTERVAL_MS: "500",
  };
}

/** The service as the ingest tier runs it: API keys from their secret, the admin API on its own login. */
export function serviceEnv(w: World, port: number): Env {
  return {
    ...baseEnv(w),
    PORT: String(port),
    HOST: "127.0.0.1",
    API_KEYS_SECRET_ID: w.secretArns.get(NAMES.apiKeysSecret),
    ADMIN_API_KEYS: JSON.stringify([{ name: "ops-iam", sha256: sha256(ADMIN_KEY) }]),
    ADMIN_DATABASE_URL: w.e.databaseUrl,
  };
}

/** The worker as the worker tier runs it (ZOHO_* and the token key come from its boot script). */
export function workerEnv(w: World): Env {
  return {
    ...w.e.env,
    ...baseEnv(w),
    ZOHO_CLIENT_ID: w.e.env.ZOHO_CLIENT_ID,
    ZOHO_CLIENT_SECRET: w.e.env.ZOHO_CLIENT_SECRET,
    ZOHO_REFRESH_TOKEN: w.e.env.ZOHO_REFRESH_TOKEN,
    TOKEN_ENCRYPTION_KEY: w.e.env.TOKEN_ENCRYPTION_KEY,
    WORKER_MAX_RECEIVES: "2",
    // A throttle defers at once (a fresh delayed copy) instead of waiting in the process.
    WORKER_MAX_THROTTLE_WAIT_MS: "0",
    WORKER_DLQ_RECONCILE_INTERVAL_MS: "1000",
  };
}

/** The burst Lambda's environment: the secrets by id (lib/secret-env.ts), never their values. */
export function lambdaEnv(w: World): Env {
  const {
    ZOHO_CLIENT_ID,
    ZOHO_CLIENT_SECRET,
    ZOHO_REFRESH_TOKEN,
    ZOHO_ORGANIZATION_ID,
    TOKEN_ENCRYPTION_KEY,
    DATABASE_URL,
    REDIS_URL,
    ...rest
  } = workerEnv(w);
  const prefix = NAMES.apiKeysSecret.replace(/\/api-keys$/, "");
  return {
    ...rest,
    ZOHO_OAUTH_SECRET_ID: w.secretArns.get(NAMES.zohoOAuthSecret),
    TOKEN_ENCRYPTION_KEY_SECRET_ID: w.secretArns.get(NAMES.tokenEncryptionKeySecret),
    DATABASE_SECRET_ID: w.secretArns.get(`${prefix}/db-delivery`),
    DATABASE_HOST: "db.internal",
    DATABASE_NAME: "bills",
    REDIS_AUTH_SECRET_ID: w.secretArns.get(NAMES.redisAuthSecret),
    REDIS_HOST: "redis.internal",
    LOCAL_DATABASE_URL: DATABASE_URL,
    LOCAL_REDIS_URL: REDIS_URL,
  };
}

/** On-call commands: DATABASE_URL is the on-call login's (bill-mw-ops builds it). */
export const oncallEnv = (w: World): Env => ({ ...workerEnv(w) });

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

/** POSTs one bill as NetSuite does. */
export async function postBill(
  base: string,
  netsuiteBillId = `IAM-${randomUUID().slice(0, 8)}`,
  bytes = pdfBytes(3000),
) {
  const res = await fetch(`${base}/api/v1/bills`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": API_KEY },
    body: JSON.stringify({
      netsuiteBillId,
      fileName: `${netsuiteBillId}.pdf`,
      mimeType: "application/pdf",
      base64Data: bytes.toString("base64"),
      billDetails: { vendorId: ACME, billNumber: `B-${netsuiteBillId}`, date: "2026-11-20" },
    }),
  });
  const body = (await res.json()) as { transactionId?: string };
  return { status: res.status, transactionId: body.transactionId, netsuiteBillId };
}

export async function adminCall(base: string, method: string, path: string, payload?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "x-admin-key": ADMIN_KEY, ...(payload ? { "content-type": "application/json" } : {}) },
    body: payload ? JSON.stringify(payload) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export const faults = (w: World, body: Record<string, unknown>) => setFaults(w.e, { clear: true, ...body });
