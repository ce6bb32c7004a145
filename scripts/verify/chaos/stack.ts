/**
 * The chaos run's own local stack, all on ports of its own: a PostgreSQL cluster (migrated), a
 * Redis, buckets and a queue on the shared AWS stand-in (moto) under environment `chaos-<runId>`,
 * the Zoho simulator, the ingest service and N worker processes. Each child's output goes to
 * `<runDir>/<name>.log`. Settings compress time (short visibility timeout, backoff, breaker
 * cooldown) so a run fits in minutes; README.md lists them and why.
 */

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { DeleteQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { resourceNames } from "../../../lib/naming.ts";
import { bootstrapAws } from "../../../lib/testing/aws-bootstrap.ts";
import { ChaosPostgres } from "../../../lib/testing/chaos-postgres.ts";
import { freePort } from "../../../lib/testing/free-port.ts";
import { startPerfStandIns } from "../stand-ins/perf-stand-ins.ts";
import { HangProxy } from "./hang-proxy.ts";
import type { ChaosOptions } from "./options.ts";
import { ChaosRedis } from "./redis.ts";
import {
  CHAOS_MAX_RECEIVES,
  CHAOS_VISIBILITY_S,
  type ChildEnv,
  serviceEnv,
  sharedEnv,
  simEnv,
  workerEnv,
  type ZohoClient,
} from "./stack-env.ts";
import { Supervised } from "./supervisor.ts";

export { CHAOS_MAX_RECEIVES, CHAOS_VISIBILITY_S, CHAOS_ZOHO_WINDOW_MS, ORGANIZATION_ID } from "./stack-env.ts";

const run = promisify(execFile);

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

/** What the stack has started so far, stopped in reverse order on failure or at the end. */
type Started = { stop(): Promise<void> }[];

/** Where a child process runs and logs; shared by every Supervised the stack starts. */
interface Place {
  readonly root: string;
  readonly runDir: string;
}

function child(at: Place, name: string, script: string, env: ChildEnv, readyMarker?: string): Supervised {
  return new Supervised({
    name,
    command: process.execPath,
    args: [script],
    env,
    cwd: at.root,
    logPath: join(at.runDir, `${name}.log`),
    ...(readyMarker ? { readyMarker } : {}),
  });
}

/** PostgreSQL initialised, migrated, the app role granted, behind its hang proxy. */
async function startPostgres(at: Place, port: number, env0: ChildEnv, started: Started) {
  const postgres = new ChaosPostgres(port, join(at.runDir, "postgres.log"), env0, join(at.runDir, "db-password"));
  started.push({ stop: () => postgres.destroy() });
  await postgres.init();
  const databaseUrl = postgres.url();
  await run("npm", ["run", "--silent", "migrate", "--", "up"], {
    cwd: at.root,
    env: { ...env0, DATABASE_URL: databaseUrl },
  });
  await postgres.grantApp();
  const postgresProxy = new HangProxy("PostgreSQL", port);
  started.push({ stop: () => postgresProxy.stop() });
  await postgresProxy.start();
  return { postgres, databaseUrl, postgresProxy };
}

async function startRedis(at: Place, port: number, env0: ChildEnv, started: Started) {
  const redis = new ChaosRedis(port, { cwd: at.runDir, env: env0, logPath: join(at.runDir, "redis.log") });
  started.push({ stop: () => redis.stop() });
  await redis.start();
  const redisProxy = new HangProxy("Redis", port);
  started.push({ stop: () => redisProxy.stop() });
  await redisProxy.start();
  return { redis, redisProxy };
}

/** Buckets and the queue pair on moto; the queues are deleted when the stack stops. */
async function startAws(names: ReturnType<typeof resourceNames>, region: string, started: Started) {
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
  return { sqs, queueUrl, dlqUrl };
}

/** Starts one child process and waits until `readyUrl` answers 2xx. */
async function startHttpChild(proc: Supervised, readyUrl: string, started: Started): Promise<Supervised> {
  started.push({ stop: () => proc.stop() });
  proc.start();
  await waitHttp(readyUrl);
  return proc;
}

async function startWorkers(at: Place, count: number, env: ChildEnv, started: Started): Promise<Supervised[]> {
  const workers = Array.from({ length: count }, (_, i) =>
    child(at, `worker-${i + 1}`, "consumer/src/worker.ts", env, "worker started"),
  );
  started.push({ stop: async () => void (await Promise.all(workers.map((w) => w.stop()))) });
  for (const w of workers) w.start();
  await Promise.all(workers.map((w) => w.waitReady()));
  return workers;
}

interface Ports {
  readonly pg: number;
  readonly redis: number;
  readonly sim: number;
  readonly service: number;
}

/** Everything one startStack call needs while it starts its parts. */
interface Launch {
  readonly o: ChaosOptions;
  readonly at: Place;
  readonly runId: string;
  readonly environment: string;
  readonly ports: Ports;
  readonly env0: ChildEnv;
  readonly say: (s: string) => void;
  readonly started: Started;
  readonly stopAll: () => Promise<void>;
}

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
  const [pg, redis, sim, service] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const started: Started = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {});
  };
  const environment = `chaos-${runId}`;
  const ports = { pg, redis, sim, service };
  try {
    const env = await awsStandIns(o, root, runDir, env0, say, started);
    return await startAll({ o, at: { root, runDir }, runId, environment, ports, env0: env, say, started, stopAll });
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * The run's S3/SQS endpoints: with `perf`, fresh load stand-ins (the standard per-service
 * AWS_ENDPOINT_URL_S3/_SQS settings reach this process's clients and every child's); with `moto`,
 * the shared moto from AWS_ENDPOINT_URL.
 */
async function awsStandIns(
  o: ChaosOptions,
  root: string,
  runDir: string,
  env0: ChildEnv,
  say: (s: string) => void,
  started: Started,
): Promise<ChildEnv> {
  if (o.standIns === "moto") return env0;
  const standIns = await startPerfStandIns(root, runDir, { s3: await freePort(), sqs: await freePort() });
  started.push({ stop: () => standIns.stop() });
  say(`AWS stand-ins: ${standIns.description}`);
  process.env.AWS_ENDPOINT_URL_S3 = standIns.s3Url;
  process.env.AWS_ENDPOINT_URL_SQS = standIns.sqsUrl;
  return { ...env0, AWS_ENDPOINT_URL_S3: standIns.s3Url, AWS_ENDPOINT_URL_SQS: standIns.sqsUrl };
}

/** PostgreSQL, Redis and the AWS resources: what the service and the workers connect to. */
async function startDependencies(l: Launch) {
  l.say(`PostgreSQL: initdb and start on 127.0.0.1:${l.ports.pg}`);
  const pg = await startPostgres(l.at, l.ports.pg, l.env0, l.started);
  l.say(`Redis: start on 127.0.0.1:${l.ports.redis}`);
  const redis = await startRedis(l.at, l.ports.redis, l.env0, l.started);
  l.say(`AWS stand-in: buckets and queue for environment ${l.environment}`);
  const names = resourceNames(l.environment);
  const region = l.env0.AWS_REGION ?? "us-east-1";
  const aws = await startAws(names, region, l.started);
  const shared = sharedEnv(l.env0, {
    environment: l.environment,
    names,
    region,
    appDatabaseUrl: pg.postgres.appUrl(pg.postgresProxy.port),
    passwordFile: pg.postgres.passwordFile,
    redisProxyPort: redis.redisProxy.port,
    queueUrl: aws.queueUrl,
    dlqUrl: aws.dlqUrl,
  });
  return { ...pg, ...redis, ...aws, shared };
}

async function startAll(l: Launch): Promise<Stack> {
  const deps = await startDependencies(l);
  const apiKey = rnd();
  const client: ZohoClient = { clientId: "1000.CHAOSCLIENT", clientSecret: rnd(), refreshToken: `1000.${rnd()}` };
  const simUrl = `http://127.0.0.1:${l.ports.sim}`;
  l.say(`Zoho simulator on ${simUrl}`);
  const simProc = child(l.at, "zoho-sim", "scripts/zoho-sim/server.ts", simEnv(l.env0, l.ports.sim, client));
  const sim = await startHttpChild(simProc, `${simUrl}/__sim/health`, l.started);
  const serviceUrl = `http://127.0.0.1:${l.ports.service}`;
  l.say(`ingest service on ${serviceUrl}`);
  const serviceProc = child(l.at, "service", "service/src/server.ts", serviceEnv(deps.shared, l.ports.service, apiKey));
  const service = await startHttpChild(serviceProc, `${serviceUrl}/health/ready`, l.started);
  l.say(`${l.o.workers} worker processes`);
  const workers = await startWorkers(l.at, l.o.workers, workerEnv(deps.shared, simUrl, client, rnd(32)), l.started);
  return {
    runId: l.runId,
    environment: l.environment,
    serviceUrl,
    simUrl,
    apiKey,
    databaseUrl: deps.databaseUrl,
    queueUrl: deps.queueUrl,
    dlqUrl: deps.dlqUrl,
    postgres: deps.postgres,
    redis: deps.redis,
    redisProxy: deps.redisProxy,
    postgresProxy: deps.postgresProxy,
    sim,
    service,
    workers,
    sqs: deps.sqs,
    stop: l.stopAll,
  };
}
