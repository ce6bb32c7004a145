/**
 * Scheduled job: failed bills are loud. Every round it records FailedBillsOpen (failed and not
 * resolved, the row-count alarm); once a day after FAILED_DIGEST_HOUR_UTC it sends finance the
 * digest of the previous 24 hours to FAILED_DIGEST_TOPIC_ARN (lib/failed-digest.ts). A per-day Redis
 * key keeps it to one digest a day across the fleet.
 */
import type { SNSClient } from "@aws-sdk/client-sns";
import type { Redis } from "ioredis";
import type { DatabasePool } from "slonik";
import { buildFailedDigest, countOpenFailedBills, publishFailedDigest } from "../../../lib/failed-digest.ts";
import type { Logger } from "../../../lib/logger.ts";
import type { Metrics } from "../../../lib/metrics.ts";
import type { Job } from "./runner.ts";

export interface FailedDigestJobDeps {
  readonly db: DatabasePool;
  readonly redis: Redis;
  readonly sns: SNSClient;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly environment: string;
  readonly intervalMs: number;
  readonly topicArn?: string;
  readonly hourUtc: number;
  readonly now?: () => Date;
}

const DAY_MS = 24 * 3600 * 1000;

export function failedDigestJob(d: FailedDigestJobDeps): Job {
  return {
    name: "failed-bills",
    intervalMs: d.intervalMs,
    async run() {
      d.metrics.record("FailedBillsOpen", await countOpenFailedBills(d.db), "Count");
      const now = d.now?.() ?? new Date();
      if (!d.topicArn || now.getUTCHours() < d.hourUtc) return;
      const day = now.toISOString().slice(0, 10);
      const first = await d.redis.set(`failed-digest:${day}`, String(process.pid), "EX", 2 * 24 * 3600, "NX");
      if (first !== "OK") return;
      const to = new Date(`${day}T${String(d.hourUtc).padStart(2, "0")}:00:00Z`);
      const digest = await buildFailedDigest(d.db, new Date(to.getTime() - DAY_MS), to);
      if (digest.total === 0) {
        d.log.info({ day }, "failed-bills digest: nothing failed; no message sent");
        return;
      }
      try {
        const messageId = await publishFailedDigest(d.sns, d.topicArn, digest, d.environment);
        d.log.warn({ day, failed: digest.total, messageId }, "sent the failed-bills digest");
      } catch (err) {
        await d.redis.del(`failed-digest:${day}`); // let the next round try again
        throw err;
      }
    },
  };
}
