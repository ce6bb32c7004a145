/**
 * Test helpers for the consumer: an isolated environment (lib/testing/harness.ts) wired to an
 * in-process Zoho Books simulator, bills seeded the way the ingest service stores them (object,
 * row, message), worker processes, and polling helpers. Tests only.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Test } from "tap";
import type { BillTarget } from "../../lib/bill.ts";
import { type Env, loadWorkerConfig, type WorkerConfig } from "../../lib/config.ts";
import { createDb, type DatabasePool } from "../../lib/db.ts";
import { createLogger } from "../../lib/logger.ts";
import { sendBillMessage, queueDepth as sqsQueueDepth } from "../../lib/queue.ts";
import { putPdf } from "../../lib/storage.ts";
import { setupTestEnv, type TestEnv } from "../../lib/testing/harness.ts";
import { insertOrGetTransaction } from "../../lib/transactions.ts";
import type { ZohoSimulator, ZohoSimulatorOptions } from "../../scripts/zoho-sim/app.ts";
import {
  createZohoSimulator,
  DEFAULT_CLIENT,
  DEFAULT_ORGANIZATION_ID,
  DEFAULT_REFRESH_TOKEN,
} from "../../scripts/zoho-sim/app.ts";
import type { SimStats } from "../../scripts/zoho-sim/state.ts";
import { buildDeps, type WorkerDeps } from "../src/deps.ts";
import { toInbound } from "../src/worker.ts";

export const ACME = "460000000000101";
export const WORKER = fileURLToPath(new URL("../src/worker.ts", import.meta.url));

export interface ConsumerTestEnv extends TestEnv {
  readonly sim: ZohoSimulator;
  readonly config: WorkerConfig;
  readonly db: DatabasePool;
}

/** Worker settings tuned for seconds-scale tests. */
export const FAST: Env = {
  WORKER_VISIBILITY_TIMEOUT_S: "6",
  WORKER_HEARTBEAT_S: "2",
  WORKER_WAIT_TIME_S: "1",
  WORKER_RETRY_BASE_S: "1",
  WORKER_RETRY_MAX_S: "2",
  WORKER_MAX_THROTTLE_WAIT_MS: "20000",
  SHUTDOWN_GRACE_MS: "5000",
  ZOHO_TIMEOUT_MS: "10000",
  ZOHO_RATE_GUARD_MS: "100",
  ZOHO_BREAKER_WINDOW_MS: "5000",
  ZOHO_BREAKER_COOLDOWN_MS: "1000",
  ZOHO_TOKEN_FAILURE_BACKOFF_MS: "1000",
  METRICS_FLUSH_INTERVAL_MS: "500",
  // The simulator's "Office Supplies" account (scripts/zoho-sim/options.ts DEFAULT_ACCOUNTS).
  ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID: "460000000000900",
};

export async function setupConsumerEnv(
  t: Test,
  opts: { env?: Env; sim?: ZohoSimulatorOptions } = {},
): Promise<ConsumerTestEnv> {
  const sim = await createZohoSimulator({ storeAttachmentBytes: false, ...opts.sim });
  t.teardown(() => sim.close());
  const base = await setupTestEnv(t, { ...FAST, ...opts.env });
  const env: Env = {
    ...base.env,
    ZOHO_ACCOUNTS_URL: sim.url,
    ZOHO_API_URL: `${sim.url}/books/v3`,
    ZOHO_ORGANIZATION_ID: DEFAULT_ORGANIZATION_ID,
    ZOHO_CLIENT_ID: DEFAULT_CLIENT.clientId,
    ZOHO_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
    ZOHO_REFRESH_TOKEN: DEFAULT_REFRESH_TOKEN,
    TOKEN_ENCRYPTION_KEY: "test-encryption-key-0123456789abcdef",
    ...FAST,
    ...opts.env,
  };
  const config = loadWorkerConfig(env);
  const db = await createDb(config);
  t.teardown(() => db.end());
  return { ...base, env, sim, config, db };
}

/** In-process handler dependencies (the same factory worker.ts uses). */
export async function testDeps(t: Test, e: ConsumerTestEnv, overrides: Env = {}): Promise<WorkerDeps> {
  const config = loadWorkerConfig({ ...e.env, ...overrides });
  const deps = await buildDeps(config, createLogger({ LOG_LEVEL: "silent", ENVIRONMENT: "test" }, "test"));
  t.teardown(() => deps.close());
  return deps;
}

export interface SeededBill {
  readonly transactionId: string;
  readonly netsuiteBillId: string;
  readonly sha256: string;
  readonly fileName: string;
  readonly billNumber: string;
  readonly key: string;
}

/** A small valid PDF with random content, so every bill's SHA-256 differs. */
export function pdfBytes(size = 2048): Buffer {
  const head = Buffer.from("%PDF-1.7\n");
  return Buffer.concat([head, randomBytes(Math.max(0, size - head.length))]);
}

/** Stores a bill as the ingest service does: object, pending row, then (unless send=false) the message. */
export async function seedBill(
  e: ConsumerTestEnv,
  opts: { bill?: BillTarget | null; size?: number; send?: boolean; netsuiteBillId?: string } = {},
): Promise<SeededBill> {
  const netsuiteBillId = opts.netsuiteBillId ?? `NS-${randomUUID().slice(0, 8)}`;
  const billNumber = `BILL-${netsuiteBillId}`;
  const bytes = pdfBytes(opts.size);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const fileName = `${netsuiteBillId}.pdf`;
  const key = `bills/${netsuiteBillId}/${fileName}`;
  await putPdf(e.s3, { bucket: e.incomingBucket, key, body: bytes, sha256 });
  const bill =
    opts.bill === undefined ? { details: { vendorId: ACME, billNumber, date: "2026-11-20", total: 100 } } : opts.bill;
  const { row } = await insertOrGetTransaction(e.db, {
    netsuiteBillId,
    fileName,
    mimeType: "application/pdf",
    fileSize: bytes.byteLength,
    sha256,
    bucket: e.incomingBucket,
    key,
    bill,
    apiKeyName: "test",
  });
  if (opts.send !== false) {
    await sendBillMessage(e.sqs, e.queueUrl, {
      version: 1,
      transactionId: row.id,
      netsuiteBillId,
      bucket: e.incomingBucket,
      key,
      sha256,
    });
  }
  return { transactionId: row.id, netsuiteBillId, sha256, fileName, billNumber, key };
}

export const simStats = (e: ConsumerTestEnv): SimStats => e.sim.state.stats();

/** Every attachment in the simulator, flattened, with its bill. */
export function simAttachments(e: ConsumerTestEnv): { billId: string; fileName: string; sha256: string }[] {
  const out: { billId: string; fileName: string; sha256: string }[] = [];
  for (const [billId, docs] of Object.entries(simStats(e).attachments)) {
    for (const d of docs as { file_name: string; sha256: string }[])
      out.push({ billId, fileName: d.file_name, sha256: d.sha256 });
  }
  return out;
}

export async function setFaults(e: ConsumerTestEnv, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${e.sim.url}/__sim/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`faults: ${res.status} ${await res.text()}`);
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node consumer/src/worker.ts` with the test environment (and overrides). */
export function spawnWorker(t: Test, e: ConsumerTestEnv, overrides: Env = {}): WorkerProcess {
  const child = spawn(process.execPath, [WORKER], {
    env: { ...e.env, LOG_LEVEL: "info", ...overrides } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += String(d);
  });
  child.stderr?.on("data", (d) => {
    out += String(d);
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  t.teardown(() => stop("SIGKILL"));
  return { child, output: () => out, stop };
}

export async function queueDepth(e: ConsumerTestEnv, url = e.queueUrl): Promise<number> {
  return (await sqsQueueDepth(e.sqs, url)).total;
}

/** Receives one message the way sqs-consumer does, for driving the handler directly. */
export async function receiveOne(e: ConsumerTestEnv, url = e.queueUrl, waitS = 2) {
  const out = await e.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 1,
      WaitTimeSeconds: waitS,
      VisibilityTimeout: 30,
      MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      MessageAttributeNames: ["All"],
    }),
  );
  const m = out.Messages?.[0];
  if (!m) return undefined;
  return { raw: m, inbound: toInbound(m) };
}
