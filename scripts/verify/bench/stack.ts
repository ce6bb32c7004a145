/**
 * The benchmark's own copy of the local stack: a database cloned from the migrated template, a
 * Redis key prefix, buckets and queues on moto (lib/testing/harness.ts does the isolation, as for a
 * test file), then the real entry points as child processes: the Zoho simulator, the ingest service
 * (with a small IPC probe for CPU time and heap after GC) and any number of workers. Everything is
 * removed again in stop(), buckets and queues included, so repeated runs do not fill moto.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
} from "@aws-sdk/client-s3";
import { DeleteQueueCommand } from "@aws-sdk/client-sqs";
import pg from "pg";
import type { Env } from "../../../lib/config.ts";
import { setupTestEnv, type TestEnv } from "../../../lib/testing/harness.ts";
import type { ProbeMessage, ProbeReply } from "./service-probe.ts";

export { freePort } from "../../../lib/testing/free-port.ts";

import { freePort } from "../../../lib/testing/free-port.ts";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const ZOHO = {
  organizationId: "10234695",
  clientId: "1000.BENCHCLIENT",
  clientSecret: randomBytes(18).toString("base64url"),
  refreshToken: `1000.${randomBytes(18).toString("base64url")}`,
};

/** Limits of one run of the simulator and of the worker fleet (per window). */
export interface ZohoLimits {
  /** Simulator: Books calls per organization per window (429 above it). */
  readonly simPerWindow: number;
  /** Worker fleet limiter: calls per window (below the simulator's). */
  readonly fleetPerWindow: number;
  readonly windowMs: number;
}

interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
}

export class BenchStack {
  readonly test: TestEnv;
  readonly apiKey: string;
  readonly serviceUrl: string;
  readonly simUrl: string;
  readonly db: pg.Pool;
  readonly logDir: string;
  readonly #teardowns: (() => unknown)[];
  readonly #procs: Proc[] = [];
  /** Children started with the IPC probe (service-probe.ts), by name. */
  readonly #probed = new Map<string, ChildProcess>();

  private constructor(test: TestEnv, teardowns: (() => unknown)[], servicePort: number, simPort: number) {
    this.test = test;
    this.#teardowns = teardowns;
    this.apiKey = randomBytes(24).toString("base64url");
    this.serviceUrl = `http://127.0.0.1:${servicePort}`;
    this.simUrl = `http://127.0.0.1:${simPort}`;
    this.db = new pg.Pool({ connectionString: test.databaseUrl, max: 2 });
    this.logDir = join(ROOT, "bench-results", "logs");
    mkdirSync(this.logDir, { recursive: true });
  }

  /** `env`: added to every child's environment (e.g. AWS_ENDPOINT_URL_S3/_SQS of the performance stand-ins). */
  static async create(env: Env = {}, aws: { bucketEncryption?: boolean } = {}): Promise<BenchStack> {
    const teardowns: (() => unknown)[] = [];
    const test = await setupTestEnv(
      { teardown: (fn) => teardowns.push(fn) },
      { WORKER_VISIBILITY_TIMEOUT_S: "60", ...env },
      aws,
    );
    return new BenchStack(test, teardowns, await freePort(), await freePort());
  }

  #spawn(name: string, script: string, env: Env, ipcProbe = false): ChildProcess {
    const log = openSync(join(this.logDir, `${name}.log`), "w");
    const full = { ...this.test.env, ...env } as NodeJS.ProcessEnv;
    const child = ipcProbe
      ? fork(join(ROOT, script), [], {
          env: full,
          execArgv: [
            "--expose-gc",
            "--import",
            pathToFileURL(join(ROOT, "scripts/verify/bench/service-probe.ts")).href,
          ],
          stdio: ["ignore", log, log, "ipc"],
        })
      : spawn(process.execPath, [join(ROOT, script)], { env: full, stdio: ["ignore", log, log] });
    this.#procs.push({ name, child });
    if (ipcProbe) this.#probed.set(name, child);
    return child;
  }

  /** The Zoho simulator with these limits (daily quota out of the way, bytes not kept). */
  async startSimulator(limits: ZohoLimits): Promise<void> {
    this.#spawn("zoho-sim", "scripts/zoho-sim/server.ts", {
      ZOHO_SIM_PORT: new URL(this.simUrl).port,
      ZOHO_SIM_RATE_LIMIT: String(limits.simPerWindow),
      ZOHO_SIM_WINDOW_MS: String(limits.windowMs),
      ZOHO_SIM_DAILY_QUOTA: "100000000",
      ZOHO_SIM_MAX_CONCURRENT: "50",
      ZOHO_SIM_STORE_ATTACHMENT_BYTES: "false",
      ZOHO_SIM_ORGANIZATION_ID: ZOHO.organizationId,
      ZOHO_SIM_CLIENT_ID: ZOHO.clientId,
      ZOHO_SIM_CLIENT_SECRET: ZOHO.clientSecret,
      ZOHO_SIM_REFRESH_TOKEN: ZOHO.refreshToken,
      ZOHO_SIM_MINT_LIMIT: "1000",
    });
    await waitFor(`${this.simUrl}/__sim/stats`, "zoho-sim", this.logDir);
  }

  /** The ingest service, with the rate limit and load shedding out of the way of the measurement. */
  async startService(): Promise<void> {
    const sha256 = createHash("sha256").update(this.apiKey).digest("hex");
    this.#spawn(
      "service",
      "service/src/server.ts",
      {
        HOST: "127.0.0.1",
        PORT: new URL(this.serviceUrl).port,
        // As in production (one line per request; the harness's default for tests is silent).
        LOG_LEVEL: "info",
        PUBLIC_BASE_URL: this.serviceUrl,
        API_KEYS: JSON.stringify([{ name: "bench", sha256 }]),
        RATE_LIMIT_PER_MINUTE: "100000000",
        DATABASE_POOL_SIZE: "10",
        PRESSURE_MAX_EVENT_LOOP_DELAY_MS: "0",
        PRESSURE_MAX_EVENT_LOOP_UTILIZATION: "1",
        SWEEPER_INTERVAL_MS: "600000",
        METRICS_FLUSH_INTERVAL_MS: "10000",
      },
      true,
    );
    await waitFor(`${this.serviceUrl}/health/ready`, "service", this.logDir);
  }

  /** Asks the service process for its CPU time, and (gc: true) for its memory after two full GCs. */
  async probeService(gc: boolean): Promise<ProbeReply> {
    return this.#ask(gc ? "gc" : "cpu");
  }

  /** The process id of a child started here, by name ("service", "seed-stack"). */
  pidOf(name: string): number {
    const pid = this.#procs.find((p) => p.name === name)?.child.pid;
    if (pid === undefined) throw new Error(`${name} not started`);
    return pid;
  }

  /** CPU time (and memory) of a probed child: "service" or "seed-stack". */
  async probe(name: string): Promise<ProbeReply> {
    return this.#ask("cpu", name);
  }

  /**
   * The seed's stack (seed-stack/server.ts) on the same database, buckets and queue, with the same
   * pool size and the probe preloaded, so its CPU is measured the same way as the service's.
   */
  async startSeedStack(): Promise<string> {
    const port = await freePort();
    this.#spawn(
      "seed-stack",
      "scripts/verify/bench/seed-stack/server.ts",
      { HOST: "127.0.0.1", PORT: String(port), API_KEY_PLAIN: this.apiKey, DATABASE_POOL_SIZE: "10" },
      true,
    );
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${url}/health/ready`, "seed-stack", this.logDir);
    return url;
  }

  /** Starts or stops (writing `file`) a CPU profile inside the service process. */
  async profileService(message: Exclude<ProbeMessage, string>, name = "service"): Promise<ProbeReply> {
    return this.#ask(message, name);
  }

  async #ask(message: ProbeMessage, name = "service"): Promise<ProbeReply> {
    const child = this.#probed.get(name);
    if (!child) throw new Error(`${name} not started`);
    const reply = once(child, "message") as Promise<[ProbeReply]>;
    child.send(message);
    return (await reply)[0];
  }

  /** `count` worker processes sharing the fleet limiter in Redis. */
  async startWorkers(count: number, limits: ZohoLimits): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      this.#spawn(`worker-${i + 1}`, "consumer/src/worker.ts", {
        ZOHO_ACCOUNTS_URL: this.simUrl,
        ZOHO_API_URL: `${this.simUrl}/books/v3`,
        ZOHO_ORGANIZATION_ID: ZOHO.organizationId,
        ZOHO_CLIENT_ID: ZOHO.clientId,
        ZOHO_CLIENT_SECRET: ZOHO.clientSecret,
        ZOHO_REFRESH_TOKEN: ZOHO.refreshToken,
        TOKEN_ENCRYPTION_KEY: randomBytesKey,
        ZOHO_RATE_LIMIT_PER_MINUTE: String(limits.fleetPerWindow),
        ZOHO_RATE_WINDOW_MS: String(limits.windowMs),
        // The guard is sized for a one-minute window (1 s = 1.7 %); keep that share when compressed.
        ZOHO_RATE_GUARD_MS: String(Math.ceil(limits.windowMs / 60)),
        ZOHO_DAILY_QUOTA: "100000000",
        ZOHO_MAX_IN_FLIGHT: "8",
        WORKER_WAIT_TIME_S: "1",
        WORKER_RETRY_BASE_S: "1",
        WORKER_RETRY_MAX_S: "5",
        WORKER_MAX_THROTTLE_WAIT_MS: "10000",
        SHUTDOWN_GRACE_MS: "2000",
        LOG_LEVEL: "warn",
      });
      // Let the first worker seed the token row before the others race for it.
      if (i === 0) await delay(800);
    }
  }

  /** Process ids of the running workers (their CPU is read from /proc). */
  workerPids(): number[] {
    return this.#procs.filter((p) => p.name.startsWith("worker-")).map((p) => p.child.pid ?? 0);
  }

  async stopWorkers(): Promise<void> {
    await Promise.all(this.#procs.filter((p) => p.name.startsWith("worker-")).map((p) => this.#stop(p)));
  }

  async #stop(p: Proc): Promise<void> {
    const i = this.#procs.indexOf(p);
    if (i >= 0) this.#procs.splice(i, 1);
    if (p.child.exitCode !== null || p.child.signalCode !== null) return;
    const exited = once(p.child, "exit");
    p.child.kill("SIGTERM");
    const timer = setTimeout(() => p.child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** The simulator's counters (calls, 429s). */
  async simStats(): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.simUrl}/__sim/stats`);
    return (await res.json()) as Record<string, unknown>;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#procs].map((p) => this.#stop(p)));
    await this.db.end();
    await emptyAndDelete(this.test).catch(() => undefined);
    for (const fn of this.#teardowns.reverse()) await fn();
  }
}

const randomBytesKey = randomBytes(32).toString("base64url");

async function waitFor(url: string, name: string, logDir: string): Promise<void> {
  for (let i = 0; i < 150; i += 1) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await delay(200);
  }
  throw new Error(`${name} did not become ready at ${url}; see ${join(logDir, `${name}.log`)}`);
}

/** Removes every object version, then the buckets and queues (moto keeps all of it in memory). */
async function emptyAndDelete(test: TestEnv): Promise<void> {
  for (const bucket of [test.incomingBucket, test.processedBucket]) {
    for (;;) {
      const page = await test.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
      const ids: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
        Key: v.Key as string,
        VersionId: v.VersionId,
      }));
      if (ids.length === 0) break;
      await test.s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: ids, Quiet: true },
          BypassGovernanceRetention: true,
        }),
      );
    }
    await test.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  }
  for (const url of [test.queueUrl, test.dlqUrl]) await test.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
}
