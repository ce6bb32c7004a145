/**
 * Test isolation on real services: each test file gets its own PostgreSQL database (cloned from
 * the migrated template that scripts/dev/test.sh prepares), its own Redis key prefix, and its own
 * buckets, queue and DLQ on the AWS stand-in. Files can therefore run in parallel.
 * Tests only; product code never imports this.
 */
import { randomBytes } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import pg from "pg";
import type { Env } from "../config.ts";
import { bootstrapAws } from "./aws-bootstrap.ts";

export interface TestEnv {
  /** Unique id of this test file's resources (lower-case, usable in bucket names). */
  readonly id: string;
  /** Environment variables for loadServiceConfig/loadWorkerConfig or child processes. */
  readonly env: Env;
  readonly databaseUrl: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly incomingBucket: string;
  readonly processedBucket: string;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

const TEMPLATE = process.env.TEST_TEMPLATE_DATABASE ?? "bills_template";

function adminUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.pathname = "/postgres";
  return u.toString();
}

async function createDatabaseFromTemplate(databaseUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl(databaseUrl) });
  await admin.connect();
  try {
    // Concurrent clones of one template can collide briefly; retry a few times.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE}"`);
        break;
      } catch (err) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const u = new URL(databaseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropDatabase(databaseUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl(databaseUrl) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Names of this test file's buckets and queues on the AWS stand-in. */
function awsNamesFor(id: string) {
  return {
    incomingBucket: `${id}-incoming`,
    processedBucket: `${id}-processed`,
    queue: `${id}-bills`,
    deadLetterQueue: `${id}-bills-dlq`,
  };
}

/** The process environment of the service and worker, pointed at this test file's resources. */
function testProcessEnv(
  id: string,
  region: string,
  resources: { databaseUrl: string; incomingBucket: string; processedBucket: string; queueUrl: string; dlqUrl: string },
  overrides: Env,
): Env {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ENVIRONMENT: "test",
    LOG_LEVEL: "silent",
    AWS_REGION: region,
    AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? "test",
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? "test",
    DATABASE_URL: resources.databaseUrl,
    DATABASE_POOL_SIZE: "5",
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `test:${id}:`,
    INCOMING_BUCKET: resources.incomingBucket,
    PROCESSED_BUCKET: resources.processedBucket,
    S3_FORCE_PATH_STYLE: "true",
    QUEUE_URL: resources.queueUrl,
    DLQ_URL: resources.dlqUrl,
    METRICS_FLUSH_INTERVAL_MS: "1000",
    ...overrides,
  };
}

/** Builds an isolated environment and registers its teardown on t. */
export async function setupTestEnv(
  t: Teardown,
  overrides: Env = {},
  aws: { bucketEncryption?: boolean } = {},
): Promise<TestEnv> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl || !process.env.REDIS_URL || !process.env.AWS_ENDPOINT_URL) {
    throw new Error("DATABASE_URL, REDIS_URL and AWS_ENDPOINT_URL must be set: run tests with `npm test`");
  }
  const id = `t${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
  const databaseUrl = await createDatabaseFromTemplate(baseUrl, id);
  t.teardown(() => dropDatabase(baseUrl, id));

  const region = process.env.AWS_REGION ?? "us-east-1";
  const s3 = new S3Client({ region, forcePathStyle: true });
  const sqs = new SQSClient({ region });
  t.teardown(() => {
    s3.destroy();
    sqs.destroy();
  });
  const names = awsNamesFor(id);
  const maxReceiveCount = Number(overrides.WORKER_MAX_RECEIVES ?? 5);
  const { queueUrl, dlqUrl } = await bootstrapAws({ s3, sqs }, names, {
    maxReceiveCount,
    visibilityTimeoutS: Number(overrides.WORKER_VISIBILITY_TIMEOUT_S ?? 30),
    ...aws,
  });
  const { incomingBucket, processedBucket } = names;
  const resources = { databaseUrl, incomingBucket, processedBucket, queueUrl, dlqUrl };
  const env = testProcessEnv(id, region, resources, overrides);
  return { id, env, ...resources, s3, sqs };
}
