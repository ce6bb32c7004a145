/**
 * /health/live: the process answers (ALB/ASG liveness). /health/ready: PostgreSQL, Redis and the
 * queue all answer within a short timeout; 503 otherwise, so the ALB stops routing here.
 * Both need no key (the key hooks guard routes/api/ only) and are not rate limited.
 */
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "../../../lib/db.ts";
import { Live, Ready } from "../schemas/health.ts";

const TIMEOUT_MS = 2_000;

async function check(fn: (signal: AbortSignal) => Promise<unknown>) {
  const start = performance.now();
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  try {
    await Promise.race([
      fn(signal),
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("timed out")))),
    ]);
    return { ok: true, ms: Math.round(performance.now() - start) };
  } catch (err) {
    const error = err instanceof Error ? (err.name === "Error" ? err.message : err.name) : "failed";
    return { ok: false, ms: Math.round(performance.now() - start), error };
  }
}

const health: FastifyPluginAsyncTypebox = async (app) => {
  const noRateLimit = { rateLimit: false } as const;
  // No key needed: `security: []` overrides the document's global x-api-key requirement.
  const schema = { tags: ["health"], security: [] };

  app.get("/health/live", { config: noRateLimit, schema: { ...schema, response: { 200: Live } } }, async () => ({
    status: "ok" as const,
  }));

  app.get(
    "/health/ready",
    { config: noRateLimit, schema: { ...schema, response: { 200: Ready, 503: Ready } } },
    async (_req, reply) => {
      const [db, redis, queue] = await Promise.all([
        check(() => app.db.oneFirst(sql.unsafe`SELECT 1`)),
        check(() => app.redis.ping()),
        check((abortSignal) =>
          app.aws.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: app.config.QUEUE_URL, AttributeNames: ["QueueArn"] }),
            { abortSignal },
          ),
        ),
      ]);
      const ok = db.ok && redis.ok && queue.ok;
      return reply.code(ok ? 200 : 503).send({ status: ok ? "ok" : "unavailable", checks: { db, redis, queue } });
    },
  );
};
export default health;
