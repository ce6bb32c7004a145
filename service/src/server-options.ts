/**
 * Fastify instance options, shared by server.ts and the tests so both run the same instance.
 * @see https://fastify.dev/docs/latest/Reference/Server/
 */
import { randomUUID } from "node:crypto";
import { type FastifyServerOptions, LogController } from "fastify";
import type { ServiceConfig } from "../../lib/config.ts";
import type { Logger } from "../../lib/logger.ts";

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function serverOptions(config: ServiceConfig, loggerInstance?: Logger): FastifyServerOptions {
  return {
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    // request-log.ts writes one line per request with the agreed fields instead.
    logController: new LogController({ disableRequestLogging: true }),
    // A caller's x-request-id is kept when it looks like one, so NetSuite and our logs share it.
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers["x-request-id"];
      return typeof h === "string" && REQUEST_ID.test(h) ? h : randomUUID();
    },
    // Trust exactly the configured number of proxy hops (the ALB) for the client address.
    trustProxy: config.TRUST_PROXY_HOPS > 0 ? (_addr: string, hop: number) => hop < config.TRUST_PROXY_HOPS : false,
    // Routes that take PDFs set their own, larger limit.
    bodyLimit: 1024 * 1024,
    // NetSuite has 45 s to send a payload; give a slow 14 MB upload room, then cut it off.
    requestTimeout: 120_000,
    // Above the ALB's 60 s idle timeout, so the ALB never reuses a connection we are closing.
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    ajv: {
      customOptions: {
        // Unknown fields are errors, not silently dropped; "123" is not coerced into a number or back.
        removeAdditional: false,
        coerceTypes: false,
        allErrors: false,
      },
    },
  };
}
