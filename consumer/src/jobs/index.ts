/**
 * The worker's scheduled jobs, started by worker.ts next to the consumer: audit partition upkeep
 * and the failed-bills metric and digest. One runner per round across the fleet (runner.ts).
 */
import { SNSClient } from "@aws-sdk/client-sns";
import type { WorkerConfig } from "../../../lib/config.ts";
import type { Logger } from "../../../lib/logger.ts";
import type { WorkerDeps } from "../deps.ts";
import { auditPartitionsJob } from "./audit-partitions.ts";
import { failedDigestJob } from "./failed-digest.ts";
import { type RunningJobs, startJobs } from "./runner.ts";

/** How often FailedBillsOpen is recorded and the day's digest is checked for. */
export const FAILED_BILLS_INTERVAL_MS = 10 * 60_000;

export function startWorkerJobs(config: WorkerConfig, deps: WorkerDeps, log: Logger): RunningJobs {
  const sns = new SNSClient({ region: config.AWS_REGION });
  const jobLog = log.child({ component: "jobs" });
  const jobs = startJobs(
    [
      auditPartitionsJob({
        db: deps.db,
        s3: deps.s3,
        metrics: deps.metrics,
        log: jobLog,
        intervalMs: config.AUDIT_MAINTENANCE_INTERVAL_MS,
        monthsAhead: config.AUDIT_MONTHS_AHEAD,
        retentionMonths: config.AUDIT_RETENTION_MONTHS,
        archiveBucket: config.AUDIT_ARCHIVE_BUCKET,
        kmsKeyId: config.S3_KMS_KEY_ID,
      }),
      failedDigestJob({
        db: deps.db,
        redis: deps.redis,
        sns,
        metrics: deps.metrics,
        log: jobLog,
        environment: config.ENVIRONMENT,
        intervalMs: FAILED_BILLS_INTERVAL_MS,
        topicArn: config.FAILED_DIGEST_TOPIC_ARN,
        hourUtc: config.FAILED_DIGEST_HOUR_UTC,
      }),
    ],
    deps.redis,
    jobLog,
  );
  return {
    runOnce: jobs.runOnce,
    async stop() {
      await jobs.stop();
      sns.destroy();
    },
  };
}
