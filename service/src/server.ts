/**
 * The only listen(): builds the logger and instance, registers the app plugin, and closes with grace
 * on SIGTERM/SIGINT (in-flight requests finish, then the sweeper, metrics, Redis and the pool close).
 */
import closeWithGrace from "close-with-grace";
import Fastify from "fastify";
import fp from "fastify-plugin";
import { loadServiceConfig } from "../../lib/config.ts";
import { createLogger } from "../../lib/logger.ts";
import app from "./app.ts";
import { serverOptions } from "./server-options.ts";

const config = loadServiceConfig();
const logger = createLogger(config, "bill-service");
const server = Fastify(serverOptions(config, logger));
await server.register(fp(app), { config });

// SIGUSR2 is Node's --heapsnapshot-signal (runbooks/memory-leak.md) and SIGHUP re-reads the keys
// (plugins/api-keys.ts); close-with-grace would otherwise treat them as shutdown requests.
closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS, logger, skip: ["SIGUSR2", "SIGHUP"] }, async ({ signal, err }) => {
  if (err) logger.error({ err }, "closing after an uncaught error");
  else logger.info({ signal }, "closing: draining in-flight requests");
  await server.close();
});

await server.listen({ host: config.HOST, port: config.PORT });
