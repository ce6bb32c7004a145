/**
 * The worker's scheduled jobs against real PostgreSQL, Redis and moto (SNS delivering to SQS):
 * one runner per round across workers, the audit-partition job with its DEFAULT-rows metric, and
 * the failed-bills metric and daily digest.
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import t, { type Test } from "tap";
import { z } from "zod";
import { createDb, sql } from "../../../lib/db.ts";
import { createLogger } from "../../../lib/logger.ts";
import type { Metrics } from "../../../lib/metrics.ts";
import { createRedis } from "../../../lib/redis.ts";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import { insertOrGetTransaction, markDeliveryFailed } from "../../../lib/transactions.ts";
import { auditPartitionsJob } from "../../src/jobs/audit-partitions.ts";
import { failedDigestJob } from "../../src/jobs/failed-digest.ts";
import { startJobs } from "../../src/jobs/runner.ts";

const log = createLogger({ LOG_LEVEL: "silent" } as never, "jobs-test");

/** Records what a job reports (lib/metrics.ts batches to CloudWatch; this keeps the values). */
function recorder() {
  const seen: { name: string; value: number }[] = [];
  const metrics = { record: (name: string, value: number) => void seen.push({ name, value }) } as unknown as Metrics;
  return { metrics, seen };
}

async function stack(t: Test) {
  const env = await setupTestEnv(t);
  const db = await createDb({ DATABASE_URL: env.databaseUrl });
  const redis = createRedis({ REDIS_URL: env.env.REDIS_URL ?? "", REDIS_KEY_PREFIX: env.env.REDIS_KEY_PREFIX });
  t.teardown(async () => {
    redis.disconnect();
    await db.end();
  });
  return { env, db, redis };
}

t.test("a job runs once per round across the fleet", async (t) => {
  const { redis } = await stack(t);
  let runs = 0;
  const job = { name: "count", intervalMs: 60_000, run: async () => void runs++ };
  const workers = [1, 2, 3].map(() => startJobs([job], redis, log, 3_600_000));
  t.teardown(() => Promise.all(workers.map((w) => w.stop())));
  const ran = await Promise.all(workers.map((w) => w.runOnce("count")));
  t.same(ran.filter(Boolean).length, 1, "one worker won the round");
  t.equal(runs, 1);
  t.equal(await workers[0]?.runOnce("count"), false, "and nobody runs it again within the interval");
  await t.rejects(() => workers[0]!.runOnce("nope"), /no scheduled job named nope/);
});

t.test("the audit-partition job reports DEFAULT rows, then empties DEFAULT into their months", async (t) => {
  const { env, db } = await stack(t);
  const { metrics, seen } = recorder();
  const ahead = new Date(Date.now() + 150 * 24 * 3600 * 1000); // five months on: no partition yet
  await db.query(sql.type(z.object({}))`
    INSERT INTO api_audit_logs (created_at, operation, method, url) VALUES (${ahead.toISOString()}::timestamptz, 'x', 'GET', 'u')`);
  const job = auditPartitionsJob({
    db,
    s3: env.s3,
    metrics,
    log,
    intervalMs: 60_000,
    monthsAhead: 3,
    retentionMonths: 13,
  });
  await job.run();
  t.same(
    seen.find((m) => m.name === "AuditDefaultPartitionRows"),
    { name: "AuditDefaultPartitionRows", value: 1 },
  );
  const left = await db.oneFirst(
    sql.type(z.object({ n: z.coerce.number() }))`SELECT count(*) AS n FROM api_audit_logs_default`,
  );
  t.equal(left, 0, "DEFAULT is empty after the round");
  seen.length = 0;
  await job.run();
  t.same(
    seen.find((m) => m.name === "AuditDefaultPartitionRows")?.value,
    0,
    "the next round finds DEFAULT empty (alarm clears)",
  );
});

t.test("failed bills: FailedBillsOpen every round, one digest a day to SNS with the reasons", async (t) => {
  const { env, db, redis } = await stack(t);
  const sns = new SNSClient({ region: env.env.AWS_REGION });
  t.teardown(() => sns.destroy());
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: `${env.id}-failed` }))).TopicArn ?? "";
  const inbox = (await env.sqs.send(new CreateQueueCommand({ QueueName: `${env.id}-finance` }))).QueueUrl ?? "";
  const inboxArn = (
    await env.sqs.send(new GetQueueAttributesCommand({ QueueUrl: inbox, AttributeNames: ["QueueArn"] }))
  ).Attributes?.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: inboxArn }));

  const reasons = ['unknown vendor: no active Zoho Books vendor named "Acme"', "gave up after 5 attempts: 503"];
  const ids: string[] = [];
  for (const [i, reason] of [reasons[0], reasons[0], reasons[1]].entries()) {
    const { row } = await insertOrGetTransaction(db, {
      netsuiteBillId: `ns-failed-${i}`,
      fileName: "bill.pdf",
      mimeType: "application/pdf",
      fileSize: 100,
      sha256: "0".repeat(63) + String(i),
      bucket: env.incomingBucket,
      key: `k${i}`,
      bill: null,
      apiKeyName: null,
    });
    await markDeliveryFailed(db, row.id, reason ?? "");
    ids.push(row.id);
  }
  const { metrics, seen } = recorder();
  const at = (ms: number) => () => new Date(ms);
  // The failures happened "now", on the real clock. The digest sent at the first 07:00 UTC after
  // now covers the 24 hours before it, so it holds them, whatever the time of day the suite runs.
  const hour = 3_600_000;
  const sevenToday = Date.parse(`${new Date().toISOString().slice(0, 10)}T07:00:00Z`);
  const nextSeven = sevenToday > Date.now() ? sevenToday : sevenToday + 24 * hour;
  const deps = { db, redis, sns, metrics, log, environment: "test", intervalMs: 60_000, topicArn, hourUtc: 7 };

  await failedDigestJob({ ...deps, now: at(nextSeven - hour / 2) }).run();
  t.same(seen, [{ name: "FailedBillsOpen", value: 3 }], "the row count, every round");
  const none = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: inbox, WaitTimeSeconds: 1 }));
  t.equal(none.Messages?.length ?? 0, 0, "before 07:00 UTC no digest");

  await failedDigestJob({ ...deps, now: at(nextSeven + 5 * 60_000) }).run();
  await failedDigestJob({ ...deps, now: at(nextSeven + 2 * hour) }).run();
  const got = await env.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: inbox, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
  );
  t.equal(got.Messages?.length, 1, "one digest that day, however many rounds");
  const envelope = JSON.parse(got.Messages?.[0]?.Body ?? "{}") as { Subject?: string; Message?: string };
  t.match(envelope.Subject, /^\[test\] 3 failed bills \(/);
  t.match(
    envelope.Message,
    /\s2 {2}unknown vendor: no active Zoho Books vendor named "Acme"/,
    "reasons grouped, counted",
  );
  t.match(envelope.Message, /\s1 {2}gave up after 5 attempts: 503/);
  for (const id of ids) t.match(envelope.Message, id, `lists ${id}`);
});
