/**
 * Connections every route shares, as decorators: app.db (slonik, the ingest role of DATABASE_URL),
 * app.adminDb (the on-call role of ADMIN_DATABASE_URL for the admin API, else app.db), app.redis
 * (ioredis), app.aws (SDK clients) and app.metrics (batched CloudWatch). Closed together on app.close().
 * With DATABASE_SECRET_ID (ADMIN_DATABASE_SECRET_ID for app.adminDb) a refused password is re-read
 * from the secret (rotation, lib/db.ts).
 */
import fp from "fastify-plugin";
import { createAwsClients, destroyAwsClients } from "../../../lib/aws.ts";
import { createDb, type DatabasePool } from "../../../lib/db.ts";
import { Metrics } from "../../../lib/metrics.ts";
import { createRedis } from "../../../lib/redis.ts";
import { databasePasswordReader } from "../../../lib/secret-env.ts";

export default fp(
  async (app) => {
    const c = app.config;
    const aws = createAwsClients(c);
    app.decorate("aws", aws);

    const reread = c.DATABASE_SECRET_ID ? databasePasswordReader(aws.secrets, c.DATABASE_SECRET_ID) : undefined;
    const db = await createDb(c, reread);
    app.decorate("db", db);
    // Its own login only: DATABASE_URL's password file or secret belongs to the ingest role.
    const adminReread = c.ADMIN_DATABASE_SECRET_ID
      ? databasePasswordReader(aws.secrets, c.ADMIN_DATABASE_SECRET_ID)
      : undefined;
    const adminDb = c.ADMIN_DATABASE_URL
      ? await createDb(
          {
            DATABASE_URL: c.ADMIN_DATABASE_URL,
            DATABASE_POOL_SIZE: 4,
            DATABASE_STATEMENT_TIMEOUT_MS: c.DATABASE_STATEMENT_TIMEOUT_MS,
          },
          adminReread,
        )
      : db;
    app.decorate("adminDb", adminDb);

    const redis = createRedis(c, "bill-service");
    redis.on("error", (err) => app.log.warn({ err }, "redis connection error"));
    app.decorate("redis", redis);

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
      if (adminDb !== db) await adminDb.end();
      await db.end();
      destroyAwsClients(aws);
    });
  },
  { name: "resources" },
);

declare module "fastify" {
  interface FastifyInstance {
    /** The admin API's pool: the on-call role, which may write operator actions (the ingest role may not). */
    adminDb: DatabasePool;
  }
}
