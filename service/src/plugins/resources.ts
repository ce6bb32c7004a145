/**
 * Connections every route shares, as decorators: app.db (slonik), app.redis (ioredis), app.aws (SDK
 * clients) and app.metrics (batched CloudWatch). Closed together on app.close().
 */
import fp from "fastify-plugin";
import { createAwsClients, destroyAwsClients } from "../../../lib/aws.ts";
import { createDb } from "../../../lib/db.ts";
import { Metrics } from "../../../lib/metrics.ts";
import { createRedis } from "../../../lib/redis.ts";

export default fp(
  async (app) => {
    const c = app.config;
    const db = await createDb(c);
    app.decorate("db", db);

    const redis = createRedis(c, "bill-service");
    redis.on("error", (err) => app.log.warn({ err }, "redis connection error"));
    app.decorate("redis", redis);

    const aws = createAwsClients(c);
    app.decorate("aws", aws);

    const metrics = new Metrics(aws.cloudwatch, {
      namespace: c.METRICS_NAMESPACE,
      environment: c.ENVIRONMENT,
      flushIntervalMs: c.METRICS_FLUSH_INTERVAL_MS,
      onError: (err) => app.log.warn({ err }, "metrics flush failed"),
    }).start();
    app.decorate("metrics", metrics);

    // onClose runs after in-flight requests finished. One hook, so the order is explicit: the last
    // metrics flush needs the CloudWatch client; db and redis go last.
    app.addHook("onClose", async () => {
      await metrics.stop();
      await redis.quit().catch(() => redis.disconnect());
      await db.end();
      destroyAwsClients(aws);
    });
  },
  { name: "resources" },
);
