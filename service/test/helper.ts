/**
 * build(t): the real app plugin on a bare Fastify instance, with this file's own database, Redis
 * prefix, buckets and queue (lib/testing/harness.ts). No port is opened; requests go through inject.
 */
import { createHash, randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { ListObjectVersionsCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import Fastify, { type FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { z } from "zod";
import { type Env, loadServiceConfig, type ServiceConfig } from "../../lib/config.ts";
import { sql } from "../../lib/db.ts";
import { createLogger } from "../../lib/logger.ts";
import { queueDepth } from "../../lib/queue.ts";
import { setupTestEnv, type TestEnv } from "../../lib/testing/harness.ts";
import app from "../src/app.ts";
import { signRequest } from "../src/auth/signature.ts";
import { serverOptions } from "../src/server-options.ts";

export const API_KEY = "test-key-0123456789abcdef0123456789abcdef";
export const SIGNED_KEY = "signed-key-0123456789abcdef0123456789abcdef";
export const HMAC_SECRET = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
export const HMAC_SECRET_NEXT = `whsec_${Buffer.from("fedcba9876543210fedcba9876543210").toString("base64")}`;
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

export const API_KEYS = JSON.stringify([
  { name: "netsuite-test", sha256: sha(API_KEY) },
  { name: "netsuite-signed", sha256: sha(SIGNED_KEY), hmacSecrets: [HMAC_SECRET, HMAC_SECRET_NEXT] },
]);

interface Tap {
  teardown(fn: () => unknown): void;
}

export interface Built {
  readonly app: FastifyInstance;
  readonly env: TestEnv;
  readonly config: ServiceConfig;
  /** Every log line written, when built with { captureLogs: true }. */
  readonly logs: string[];
}

export async function build(
  t: Tap,
  overrides: Env = {},
  opts: { captureLogs?: boolean; env?: TestEnv } = {},
): Promise<Built> {
  const env = opts.env ?? (await setupTestEnv(t, { API_KEYS, ...overrides }));
  // Load shedding off unless a test turns it on: a busy CI box must not turn assertions into 503s.
  const noShedding = { PRESSURE_MAX_EVENT_LOOP_DELAY_MS: "0", PRESSURE_MAX_EVENT_LOOP_UTILIZATION: "0" };
  const config = loadServiceConfig({ ...env.env, ...noShedding, API_KEYS, ...overrides });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      cb();
    },
  });
  const logger = opts.captureLogs ? createLogger({ ...config, LOG_LEVEL: "trace" }, "bill-service", sink) : undefined;
  const instance = Fastify(serverOptions(config, logger));
  await instance.register(fp(app), { config });
  await instance.ready();
  t.teardown(() => instance.close());
  return { app: instance, env, config, logs };
}

/** A PDF-looking buffer: %PDF- magic, then random bytes. */
export function pdf(size = 100 * 1024): Buffer {
  const b = randomBytes(size);
  b.write("%PDF-1.7\n", 0, "latin1");
  return b;
}

export interface BillOverrides {
  [k: string]: unknown;
}
export function billBody(bytes: Buffer, over: BillOverrides = {}) {
  return {
    netsuiteBillId: `NS-${randomBytes(4).toString("hex")}`,
    fileName: "INV-1001.pdf",
    mimeType: "application/pdf",
    base64Data: bytes.toString("base64"),
    referenceNumber: "INV-1001",
    ...over,
  };
}

export function post(a: FastifyInstance, body: unknown, headers: Record<string, string> = {}, url = "/api/v1/bills") {
  return a.inject({
    method: "POST",
    url,
    headers: { "content-type": "application/json", "x-api-key": API_KEY, ...headers },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Headers for a request signed the way the NetSuite client signs (default: POST /api/v1/bills). */
export function signedHeaders(
  payload: string,
  secret = HMAC_SECRET,
  at = Math.floor(Date.now() / 1000),
  target: { method: string; url: string } = { method: "POST", url: "/api/v1/bills" },
) {
  const id = `msg_${randomBytes(8).toString("hex")}`;
  return {
    "x-api-key": SIGNED_KEY,
    "webhook-id": id,
    "webhook-timestamp": String(at),
    "webhook-signature": signRequest(secret, id, at, { ...target, body: payload }),
  };
}

/** Objects (all versions) in the incoming bucket. */
export async function objectCount(env: TestEnv): Promise<number> {
  const out = await env.s3.send(new ListObjectVersionsCommand({ Bucket: env.incomingBucket }));
  return new Set((out.Versions ?? []).map((v) => v.Key)).size;
}

export async function objectVersions(env: TestEnv): Promise<number> {
  const out = await env.s3.send(new ListObjectVersionsCommand({ Bucket: env.incomingBucket }));
  return (out.Versions ?? []).length;
}

export async function rowCount(a: FastifyInstance): Promise<number> {
  return a.db.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM transactions`);
}

export async function messageCount(env: TestEnv, queueUrl = env.queueUrl): Promise<number> {
  const d = await queueDepth(env.sqs, queueUrl);
  return d.visible + d.inFlight;
}

export async function receiveAll(env: TestEnv) {
  const out = await env.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: env.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}") as Record<string, unknown>);
}

/** Nothing was written: no object, no row, no message. */
export async function nothingWritten(a: FastifyInstance, env: TestEnv) {
  return { objects: await objectCount(env), rows: await rowCount(a), messages: await messageCount(env) };
}
