/**
 * The worker's contract: what the handler needs (injected, so tests and both entry points build
 * them their own way), the message it receives, and the outcome it returns for the entry point to
 * apply to SQS.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Redis } from "ioredis";
import type { DatabasePool } from "slonik";
import type { Logger } from "../../lib/logger.ts";
import type { Metrics } from "../../lib/metrics.ts";
import type { ZohoBooksClient } from "./zoho/client.ts";

/** Settings the handler reads (a subset of WorkerConfig, so tests can pass a literal). */
export interface HandlerSettings {
  readonly PROCESSED_BUCKET: string;
  readonly S3_KMS_KEY_ID?: string | undefined;
  readonly QUEUE_URL: string;
  readonly DLQ_URL: string;
  /** Real attempts (transient failures) before the bill is failed and its message dead-lettered. */
  readonly WORKER_MAX_RECEIVES: number;
  readonly WORKER_VISIBILITY_TIMEOUT_S: number;
  readonly WORKER_MAX_THROTTLE_WAIT_MS: number;
  readonly WORKER_RETRY_BASE_S: number;
  readonly WORKER_RETRY_MAX_S: number;
  readonly XRAY_ENABLED?: boolean;
  /** Zoho account_id for a bill with only a total (one line) and for Zoho-terms lines without an account. */
  readonly ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID?: string | undefined;
  /** How a bill and its PDF reach Zoho (delivery/create-mode.ts). @default "auto" */
  readonly ZOHO_CREATE_MODE?: "one-call" | "two-call" | "auto";
  /** Names the fleet's remembered create mode in Redis. */
  readonly ZOHO_ORGANIZATION_ID?: string;
}

export interface HandlerDeps {
  readonly settings: HandlerSettings;
  readonly db: DatabasePool;
  readonly redis: Redis;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly zoho: ZohoBooksClient;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Aborted when the process is stopping: waits end early and the message is handed back. */
  readonly signal?: AbortSignal | undefined;
}

/** An SQS message as both entry points see it (sqs-consumer's Message or a Lambda SQSRecord). */
export interface InboundMessage {
  readonly messageId: string;
  readonly body: string;
  readonly receiptHandle: string;
  /** SQS ApproximateReceiveCount (1 on first delivery). */
  readonly receiveCount: number;
}

/**
 * What to do with the message (docs/glossary.md words):
 * - ack: delete it (delivered, already delivered, or failed for good with the row saying why)
 * - retry: another attempt later (transient error, exponential backoff with jitter); the attempt is
 *   counted in the row
 * - defer: try again later without counting an attempt (throttled, or another worker holds the bill)
 * - deadletter: copy it to the DLQ and delete it (retry budget spent, or unreadable)
 * retry and defer reach SQS the same way (sqs-actions.ts applyOutcome): a fresh copy with
 * DelaySeconds, this one deleted. Its receive count starts again, so throttling never walks a bill to
 * the DLQ and only receives that end unsettled (crashes, outages) count toward SQS's redrive.
 */
export type Outcome =
  | {
      readonly action: "ack";
      readonly result: "delivered" | "already-delivered" | "already-failed" | "failed" | "unknown";
    }
  | { readonly action: "retry"; readonly delaySeconds: number; readonly reason: string }
  | { readonly action: "defer"; readonly delaySeconds: number; readonly reason: string }
  | { readonly action: "deadletter"; readonly reason: string };
