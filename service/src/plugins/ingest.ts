/** app.ingest (durable acceptance) and app.sweeper (re-enqueues stale pending rows, on a timer). */
import fp from "fastify-plugin";
import { IngestService } from "../ingest/ingest-service.ts";
import { Sweeper } from "../ingest/sweeper.ts";

export default fp(
  async (app) => {
    const c = app.config;
    const ingest = new IngestService({
      db: app.db,
      s3: app.aws.s3,
      sqs: app.aws.sqs,
      metrics: app.metrics,
      bucket: c.INCOMING_BUCKET,
      queueUrl: c.QUEUE_URL,
      kmsKeyId: c.S3_KMS_KEY_ID,
      maxPdfBytes: c.MAX_PDF_BYTES,
      tracing: c.XRAY_ENABLED,
    });
    app.decorate("ingest", ingest);
    // onClose hooks run last-registered first: this runs before resources.ts closes the pool and
    // clients, so work whose client hung up still finishes (and enqueues) during shutdown.
    app.addHook("onClose", () => ingest.drain());
    const sweeper = new Sweeper({
      db: app.db,
      sqs: app.aws.sqs,
      metrics: app.metrics,
      log: app.log.child({ component: "sweeper" }),
      queueUrl: c.QUEUE_URL,
      intervalMs: c.SWEEPER_INTERVAL_MS,
      staleAfterMs: c.SWEEPER_STALE_AFTER_MS,
      lostAfterMs: c.SWEEPER_RESEND_AFTER_MS,
      unclaimedAfterMs: c.SWEEPER_UNCLAIMED_AFTER_MS,
      stuckProcessingAfterMs: c.SWEEPER_STUCK_PROCESSING_AFTER_MS,
      batchSize: c.SWEEPER_BATCH_SIZE,
    });
    app.decorate("sweeper", sweeper);
    app.addHook("onReady", async () => sweeper.start());
    // Before the server stops: no new sweep starts, and one in progress finishes while db and SQS are up.
    app.addHook("preClose", () => sweeper.stop());
  },
  { name: "ingest", dependencies: ["resources"] },
);
