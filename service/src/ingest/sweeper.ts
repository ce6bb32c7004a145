/**
 * Enqueues again pending rows whose message never went out (enqueue failed after commit, or the
 * process died in between), went out but no worker claimed the bill within SWEEPER_UNCLAIMED_AFTER_MS,
 * or went out so long ago it must be lost, and processing rows whose worker died. Runs in every service instance;
 * claimStalePending uses FOR UPDATE SKIP LOCKED and stamps enqueued_at in the same statement, so
 * two instances never send the same row in one round.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { FastifyBaseLogger } from "fastify";
import type { DatabasePool } from "slonik";
import type { Metrics } from "../../../lib/metrics.ts";
import { billMessageFor, sendBillMessage } from "../../../lib/queue.ts";
import { claimStalePending, releaseEnqueueClaim } from "../../../lib/transactions.ts";

export interface SweeperOptions {
  readonly db: DatabasePool;
  readonly sqs: SQSClient;
  readonly metrics: Metrics;
  readonly log: FastifyBaseLogger;
  readonly queueUrl: string;
  readonly intervalMs: number;
  readonly staleAfterMs: number;
  /** Pending rows whose message went out this long ago: presumed lost, enqueued again. */
  readonly lostAfterMs: number;
  /** Pending rows no worker claimed since their message went out this long ago are enqueued again. */
  readonly unclaimedAfterMs: number;
  /** Processing rows untouched this long are enqueued again (lib/transactions.ts claimStalePending). */
  readonly stuckProcessingAfterMs: number;
  readonly batchSize: number;
}

export class Sweeper {
  readonly #o: SweeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(options: SweeperOptions) {
    this.#o = options;
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      if (!this.#running) void this.sweepOnce().catch((err) => this.#o.log.error({ err }, "sweep failed"));
    }, this.#o.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress (graceful shutdown). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** One round; returns how many messages were sent. */
  sweepOnce(): Promise<number> {
    this.#running ??= this.#sweep().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #sweep(): Promise<number> {
    const o = this.#o;
    const rows = await claimStalePending(o.db, {
      staleAfterMs: o.staleAfterMs,
      unclaimedAfterMs: o.unclaimedAfterMs,
      lostAfterMs: o.lostAfterMs,
      stuckProcessingAfterMs: o.stuckProcessingAfterMs,
      limit: o.batchSize,
    });
    let sent = 0;
    for (const r of rows) {
      try {
        await sendBillMessage(o.sqs, o.queueUrl, billMessageFor(r));
        sent++;
        o.log.info({ transactionId: r.id, netsuiteBillId: r.netsuite_bill_id }, "sweeper re-enqueued a pending bill");
      } catch (err) {
        o.log.warn({ err, transactionId: r.id }, "sweeper could not enqueue; will retry next round");
        await releaseEnqueueClaim(o.db, r.id);
      }
    }
    if (sent > 0) o.metrics.record("SweeperReenqueued", sent);
    return sent;
  }
}
