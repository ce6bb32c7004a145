/**
 * The same handler as an AWS Lambda behind an SQS event source mapping with
 * ReportBatchItemFailures: only records that must come back are reported; the rest are deleted
 * by Lambda. Dependencies are built once per execution environment, on the first event.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { observeCommands } from "../../lib/aws.ts";
import { loadWorkerConfig } from "../../lib/config.ts";
import { createLogger } from "../../lib/logger.ts";
import { resolveSecretEnv } from "../../lib/secret-env.ts";
import { buildDeps, type WorkerDeps } from "./deps.ts";
import { handleBill } from "./handler.ts";
import { applyOutcome } from "./sqs-actions.ts";
import type { InboundMessage } from "./types.ts";

/** The fields of Lambda's SQS event this handler reads. */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: { readonly ApproximateReceiveCount?: string };
}
export interface SqsEvent {
  readonly Records: readonly SqsRecord[];
}
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

let depsPromise: Promise<WorkerDeps> | undefined;

function deps(): Promise<WorkerDeps> {
  depsPromise ??= (async () => {
    // The function's environment names secrets (infra); resolve them before parsing the settings.
    const secrets = observeCommands(new SecretsManagerClient({}));
    const config = loadWorkerConfig(await resolveSecretEnv(secrets).finally(() => secrets.destroy()));
    return buildDeps(config, createLogger(config, "bill-worker-lambda"));
  })().catch((err: unknown) => {
    depsPromise = undefined; // a failed start (e.g. Secrets Manager throttled) is retried on the next event
    throw err;
  });
  return depsPromise;
}

const toInbound = (r: SqsRecord): InboundMessage => ({
  messageId: r.messageId,
  body: r.body,
  receiptHandle: r.receiptHandle,
  receiveCount: Number(r.attributes.ApproximateReceiveCount ?? "1"),
});

/** Processes one event with the given dependencies (exported for tests). */
export async function processEvent(event: SqsEvent, d: WorkerDeps): Promise<SqsBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  await Promise.all(
    event.Records.map(async (r) => {
      const message = toInbound(r);
      try {
        // Applied outcomes (a retry included: a fresh delayed copy, as in worker.ts) are successes
        // for Lambda to delete; only a throw leaves the record to SQS.
        await applyOutcome(d.sqs, d.settings, message, await handleBill(message, d));
      } catch (err) {
        d.log.error({ err, messageId: r.messageId }, "message handling failed");
        failures.push({ itemIdentifier: r.messageId });
      }
    }),
  );
  await d.metrics.flush();
  return { batchItemFailures: failures };
}

export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  return processEvent(event, await deps());
}
