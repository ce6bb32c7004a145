/**
 * /health/live: the process answers (ALB/ASG liveness). /health/ready: PostgreSQL, Redis and the
 * queue all answer within a short timeout; 503 otherwise, so the ALB stops routing here.
 * Both need no key (the key hooks guard routes/api/ only) and are not rate limited, so readiness
 * is computed at most once per READY_CACHE_MS and shared by every caller in between: a flood of
 * probes costs one database, Redis and SQS round trip a second. The answer says which check
 * failed, never why (error text can name hosts and queues); the reason goes to the log.
 */
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "../../../lib/db.ts";
import { Live, Ready } from "../schemas/health.ts";

const TIMEOUT_MS = 2_000;
export const READY_CACHE_MS = 1_000;

interface Check {
  readonly ok: boolean;
  readonly ms: number;
}

async function check(name: string, fn: (signal: AbortSignal) => Promise<unknown>, onFail: (e: unknown) => void) {
  const start = performance.now();
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  try {
    await Promise.race([
      fn(signal),
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error(`${name} timed out`)))),
    ]);
    return { ok: true, ms: Math.round(performance.now() - start) };
  } catch (err) {
    onFail(err);
    return { ok: false, ms: Math.round(performance.now() - start) };
  }
}

const health: FastifyPluginAsyncTypebox = async (app) => {
  const noRateLimit = { rateLimit: false } as const;
  // No key needed: `security: []` overrides the document's global x-api-key requirement.
  const schema = { tags: ["health"], security: [] };

  const probe = async () => {
    const failed = (name: string) => (err: unknown) => app.log.warn({ err, check: name }, "readiness check failed");
    const [db, redis, queue] = await Promise.all([
      check("db", () => app.db.oneFirst(sql.unsafe`SELECT 1`), failed("db")),
      check("redis", () => app.redis.ping(), failed("redis")),
      check(
        "queue",
        (abortSignal) =>
          app.aws.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: app.config.QUEUE_URL, AttributeNames: ["QueueArn"] }),
            { abortSignal },
          ),
        failed("queue"),
      ),
    ]);
    return { db, redis, queue } satisfies Record<string, Check>;
  };
  let cached: { at: number; result: ReturnType<typeof probe> } | undefined;
  const readiness = () => {
    const now = performance.now();
    if (!cached || now - cached.at >= READY_CACHE_MS) cached = { at: now, result: probe() };
    return cached.result;
  };

  app.get("/health/live", { config: noRateLimit, schema: { ...schema, response: { 200: Live } } }, async () => ({
    status: "ok" as const,
  }));

  app.get(
    "/health/ready",
    { config: noRateLimit, schema: { ...schema, response: { 200: Ready, 503: Ready } } },
    async (_req, reply) => {
      const checks = await readiness();
      const ok = checks.db.ok && checks.redis.ok && checks.queue.ok;
      return reply.code(ok ? 200 : 503).send({ status: ok ? "ok" : "unavailable", checks });
    },
  );
};
export default health;
