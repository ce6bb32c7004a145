/**
 * The chaos run's own local stack, all on ports of its own: a PostgreSQL cluster (migrated), a
 * Redis, buckets and a queue on the shared AWS stand-in (moto) under environment `chaos-<runId>`,
 * the Zoho simulator, the ingest service and N worker processes. Each child's output goes to
 * `<runDir>/<name>.log`. Settings compress time (short visibility timeout, backoff, breaker
 * cooldown) so a run fits in minutes; README.md lists them and why.
 */

import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { DeleteQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { resourceNames } from "../../../lib/naming.ts";
import { bootstrapAws } from "../../../lib/testing/aws-bootstrap.ts";
import { HangProxy } from "./hang-proxy.ts";
import type { ChaosOptions } from "./options.ts";
import { ChaosPostgres } from "./postgres.ts";
import { ChaosRedis } from "./redis.ts";
import { Supervised } from "./supervisor.ts";

const run = promisify(execFile);

/** Receives before SQS dead-letters a message; the worker's WORKER_MAX_RECEIVES matches it. */
export const CHAOS_MAX_RECEIVES = 5;
/** Worker visibility timeout (s): a SIGKILLed worker's messages (and its bill locks) come back after this. */
export const CHAOS_VISIBILITY_S = 20;
export const ORGANIZATION_ID = "10234695";
/** Zoho's per-minute window, compressed for the run (simulator and worker agree on it). */
export const CHAOS_ZOHO_WINDOW_MS = 10_000;

export interface Stack {
  readonly runId: string;
  readonly environment: string;
  readonly serviceUrl: string;
  readonly simUrl: string;
  readonly apiKey: string;
  readonly databaseUrl: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly postgres: ChaosPostgres;
  readonly redis: ChaosRedis;
  /** The service and workers reach Redis and PostgreSQL only through these (hang faults). */
  readonly redisProxy: HangProxy;
  readonly postgresProxy: HangProxy;
  readonly sim: Supervised;
  readonly service: Supervised;
  readonly workers: readonly Supervised[];
  readonly sqs: SQSClient;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const rnd = (n = 24) => randomBytes(n).toString("base64url");

export async function startStack(
  o: ChaosOptions,
  root: string,
  runDir: string,
  runId: string,
  say: (s: string) => void,
): Promise<Stack> {
  const env0 = process.env;
  if (!env0.AWS_ENDPOINT_URL) {
    throw new Error(
      "AWS_ENDPOINT_URL is not set: run through `npm run chaos` (it starts moto) or source .local/env.sh",
    );
  }
  const environment = `chaos-${runId}`;
  const [pgPort, redisPort, simPort, servicePort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {});
  };
  try {
    say(`PostgreSQL: initdb and start on 127.0.0.1:${pgPort}`);
    const postgres = new ChaosPostgres(pgPort, join(runDir, "postgres.log"), env0, join(runDir, "db-password"));
    started.push({ stop: () => postgres.destroy() });
    await postgres.init();
    const databaseUrl = postgres.url();
    await run("npm", ["run", "--silent", "migrate", "--", "up"], {
      cwd: root,
      env: { ...env0, DATABASE_URL: databaseUrl },
    });
    await postgres.grantApp();
    const postgresProxy = new HangProxy("PostgreSQL", pgPort);
    started.push({ stop: () => postgresProxy.stop() });
    await postgresProxy.start();

    say(`Redis: start on 127.0.0.1:${redisPort}`);
    const redis = new ChaosRedis(redisPort, { cwd: runDir, env: env0, logPath: join(runDir, "redis.log") });
    started.push({ stop: () => redis.stop() });
    await redis.start();
    const redisProxy = new HangProxy("Redis", redisPort);
    started.push({ stop: () => redisProxy.stop() });
    await redisProxy.start();

    say(`AWS stand-in: buckets and queue for environment ${environment}`);
    const names = resourceNames(environment);
    const region = env0.AWS_REGION ?? "us-east-1";
    const s3 = new S3Client({ region, forcePathStyle: true });
    const sqs = new SQSClient({ region });
    const { queueUrl, dlqUrl } = await bootstrapAws({ s3, sqs }, names, {
      maxReceiveCount: CHAOS_MAX_RECEIVES,
      visibilityTimeoutS: CHAOS_VISIBILITY_S,
    });
    s3.destroy();
    started.push({
      stop: async () => {
        for (const q of [queueUrl, dlqUrl]) await sqs.send(new DeleteQueueCommand({ QueueUrl: q })).catch(() => {});
        sqs.destroy();
      },
    });

    const apiKey = rnd();
    const clientId = "1000.CHAOSCLIENT";
    const clientSecret = rnd();
    const refreshToken = `1000.${rnd()}`;
    const simUrl = `http://127.0.0.1:${simPort}`;
    const base = {
      ...env0,
      ENVIRONMENT: environment,
      LOG_LEVEL: "info",
      // The app role (password from a file it re-reads, rotated mid-run) through the hang proxies.
      DATABASE_URL: postgres.appUrl(postgresProxy.port),
      DATABASE_PASSWORD_FILE: postgres.passwordFile,
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      REDIS_KEY_PREFIX: "chaos:",
      INCOMING_BUCKET: names.incomingBucket,
      PROCESSED_BUCKET: names.processedBucket,
      S3_FORCE_PATH_STYLE: "true",
      QUEUE_URL: queueUrl,
      DLQ_URL: dlqUrl,
      AWS_REGION: region,
    };
    const node = process.execPath;
    const proc = (name: string, script: string, env: Record<string, string | undefined>, readyMarker?: string) =>
      new Supervised({
        name,
        command: node,
        args: [script],
        env,
        cwd: root,
        logPath: join(runDir, `${name}.log`),
        ...(readyMarker ? { readyMarker } : {}),
      });

    say(`Zoho simulator on ${simUrl}`);
    const sim = proc("zoho-sim", "scripts/zoho-sim/server.ts", {
      ...env0,
      ZOHO_SIM_PORT: String(simPort),
      ZOHO_SIM_CLIENT_ID: clientId,
      ZOHO_SIM_CLIENT_SECRET: clientSecret,
      ZOHO_SIM_REFRESH_TOKEN: refreshToken,
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
    });
    started.push({ stop: () => sim.stop() });
    sim.start();
    await waitHttp(`${simUrl}/__sim/health`);

    const serviceUrl = `http://127.0.0.1:${servicePort}`;
    say(`ingest service on ${serviceUrl}`);
    const service = proc("service", "service/src/server.ts", {
      ...base,
      HOST: "127.0.0.1",
      PORT: String(servicePort),
      PUBLIC_BASE_URL: serviceUrl,
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
    });
    started.push({ stop: () => service.stop() });
    service.start();
    await waitHttp(`${serviceUrl}/health/ready`);

    say(`${o.workers} worker processes`);
    const workerEnv = {
      ...base,
      ZOHO_ACCOUNTS_URL: simUrl,
      ZOHO_API_URL: `${simUrl}/books/v3`,
      ZOHO_ORGANIZATION_ID: ORGANIZATION_ID,
      ZOHO_CLIENT_ID: clientId,
      ZOHO_CLIENT_SECRET: clientSecret,
      ZOHO_REFRESH_TOKEN: refreshToken,
      TOKEN_ENCRYPTION_KEY: rnd(32),
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
    const workers = Array.from({ length: o.workers }, (_, i) =>
      proc(`worker-${i + 1}`, "consumer/src/worker.ts", workerEnv, "worker started"),
    );
    started.push({ stop: async () => void (await Promise.all(workers.map((w) => w.stop()))) });
    for (const w of workers) w.start();
    await Promise.all(workers.map((w) => w.waitReady()));

    return {
      runId,
      environment,
      serviceUrl,
      simUrl,
      apiKey,
      databaseUrl,
      queueUrl,
      dlqUrl,
      postgres,
      redis,
      redisProxy,
      postgresProxy,
      sim,
      service,
      workers,
      sqs,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
