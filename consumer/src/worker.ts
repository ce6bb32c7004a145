/**
 * The delivery worker: sqs-consumer wiring, outcomes applied to SQS, events to logs, graceful stop.
 * `node consumer/src/worker.ts`. Polling pauses while the fleet is paused (Zoho 429 or open circuit
 * breaker) or has no limiter capacity, so throttling holds messages in the queue instead of
 * spending their receives. On SIGTERM/SIGINT it stops polling, lets in-flight bills finish for up to
 * SHUTDOWN_GRACE_MS, then hands back anything still held (visibility 0) and exits.
 */
import { setTimeout as wait } from "node:timers/promises";
import type { Message } from "@aws-sdk/client-sqs";
import { Consumer } from "sqs-consumer";
import { loadWorkerConfig, type WorkerConfig } from "../../lib/config.ts";
import { createLogger, type Logger } from "../../lib/logger.ts";
import { buildDeps, type WorkerDeps } from "./deps.ts";
import { settleDeadLetters } from "./dlq-settler.ts";
import { handleBill } from "./handler.ts";
import { startWorkerJobs } from "./jobs/index.ts";
import { applyOutcome, hideFor } from "./sqs-actions.ts";
import type { InboundMessage } from "./types.ts";

export const toInbound = (m: Message): InboundMessage => ({
  messageId: m.MessageId ?? "",
  body: m.Body ?? "",
  receiptHandle: m.ReceiptHandle ?? "",
  receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? "1"),
});

export interface RunningWorker {
  readonly consumer: Consumer;
  readonly deps: WorkerDeps;
  stop(): Promise<void>;
}

/** Messages being handled, by message id: what a stop past its grace time hands back. */
type InFlight = Map<string, InboundMessage>;

export async function startWorker(config: WorkerConfig, log: Logger): Promise<RunningWorker> {
  const abort = new AbortController();
  const deps = await buildDeps(config, log, abort.signal);
  const inFlight: InFlight = new Map();
  let stopping = false;
  const consumer = createConsumer(config, deps, {
    preReceiveMessageCallback: () => pollGate(deps, log, () => stopping),
    handleMessage: (m) => handleMessage(m, deps, inFlight),
  });
  consumer.start();
  const settler = setInterval(() => {
    settleDeadLetters({
      db: deps.db,
      redis: deps.redis,
      sqs: deps.sqs,
      log,
      queueUrl: config.QUEUE_URL,
      dlqUrl: config.DLQ_URL,
      maxAutoRedrives: config.WORKER_DLQ_AUTO_REDRIVES,
      intervalMs: config.WORKER_DLQ_RECONCILE_INTERVAL_MS,
    }).catch((err) => log.warn({ err }, "dead-letter settling failed; next round will retry"));
  }, config.WORKER_DLQ_RECONCILE_INTERVAL_MS);
  settler.unref();
  const jobs = startWorkerJobs(config, deps, log);
  log.info(
    {
      queueUrl: config.QUEUE_URL,
      batchSize: config.WORKER_BATCH_SIZE,
      ratePerWindow: config.ZOHO_RATE_LIMIT_PER_MINUTE,
    },
    "worker started",
  );

  let stopped: Promise<void> | undefined;
  async function stop(): Promise<void> {
    stopped ??= (async () => {
      stopping = true;
      clearInterval(settler);
      const done = new Promise<void>((resolve) => consumer.once("stopped", () => resolve()));
      consumer.stop({ abort: false });
      await done;
      if (inFlight.size > 0) {
        // Grace time is up: end waits early and give the messages back to the queue at once.
        abort.abort(new Error("worker stopping"));
        await releaseInFlight(inFlight, deps, log);
      }
      await jobs.stop();
      await deps.close();
    })();
    return stopped;
  }
  return { consumer, deps, stop };
}

function createConsumer(
  config: WorkerConfig,
  deps: WorkerDeps,
  callbacks: Pick<Parameters<typeof Consumer.create>[0], "preReceiveMessageCallback" | "handleMessage">,
): Consumer {
  const log = deps.log;
  const consumer = Consumer.create({
    queueUrl: config.QUEUE_URL,
    sqs: deps.sqs,
    batchSize: config.WORKER_BATCH_SIZE,
    visibilityTimeout: config.WORKER_VISIBILITY_TIMEOUT_S,
    heartbeatInterval: config.WORKER_HEARTBEAT_S,
    waitTimeSeconds: config.WORKER_WAIT_TIME_S,
    pollingCompleteWaitTimeMs: config.SHUTDOWN_GRACE_MS,
    messageSystemAttributeNames: ["ApproximateReceiveCount"],
    messageAttributeNames: ["All"],
    ...callbacks,
  });
  consumer.on("error", (err) => log.error({ err }, "sqs error"));
  consumer.on("processing_error", (err, m) => log.error({ err, messageId: m.MessageId }, "processing error"));
  consumer.on("stopped", () => log.info("consumer stopped"));
  return consumer;
}

/** Holds the next receive while the fleet is paused or out of budget (checked each second). */
async function pollGate(deps: WorkerDeps, log: Logger, stopping: () => boolean): Promise<void> {
  for (let logged = false; !stopping(); ) {
    const d = await deps.limiter.peek().catch(() => ({ ok: true, waitMs: 0, reason: "ok" as const }));
    if (d.ok || d.reason === "inflight") return;
    if (!logged) log.info({ reason: d.reason, waitMs: d.waitMs }, "zoho budget exhausted or paused; polling paused");
    logged = true;
    await wait(Math.min(d.waitMs, 1_000));
  }
}

/** Returns the message for sqs-consumer to delete once its outcome is applied; undefined leaves it to SQS. */
async function handleMessage(m: Message, deps: WorkerDeps, inFlight: InFlight): Promise<Message | undefined> {
  const message = toInbound(m);
  inFlight.set(message.messageId, message);
  try {
    await applyOutcome(deps.sqs, deps.settings, message, await handleBill(message, deps));
    return m;
  } catch (err) {
    // Infrastructure failure outside the handler's own policy (database down...): leave the
    // message to SQS's visibility timeout and redrive policy.
    deps.log.error({ err, messageId: message.messageId }, "message handling failed");
    return undefined;
  } finally {
    inFlight.delete(message.messageId);
  }
}

/** Makes every message still held visible again at once, for another worker to take. */
async function releaseInFlight(inFlight: InFlight, deps: WorkerDeps, log: Logger): Promise<void> {
  await Promise.all(
    [...inFlight.values()].map((m) =>
      hideFor(deps.sqs, deps.settings.QUEUE_URL, m, 0).catch((err) => log.warn({ err }, "could not release a message")),
    ),
  );
  log.warn({ released: inFlight.size }, "released in-flight messages at shutdown");
}

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const log = createLogger(config, "bill-worker");
  const worker = await startWorker(config, log);
  const onSignal = (signal: string) => {
    log.info({ signal }, "stopping worker");
    worker.stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, "unclean stop");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
}

if (import.meta.main) {
  main().catch((err) => {
    // Config errors name each bad variable and never echo values.
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
