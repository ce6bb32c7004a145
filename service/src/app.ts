/**
 * The ingest service as one plugin: shared resources and cross-cutting plugins in a fixed order,
 * then the routes folder (autoloaded, fastify/demo's layout), one error handler and a rate-limited
 * not-found handler. server.ts and the tests register it the same way, with fastify-plugin so its
 * hooks and decorators apply to the whole instance.
 *
 * routes/: health.ts needs no key; api/ is the public API, guarded by the NetSuite key in
 * api/autohooks.ts; admin/ is the error management API, guarded by its own key in
 * admin/autohooks.ts and loaded only when ADMIN_API_KEYS is set (404 otherwise). A new route file
 * in a folder needs no change here and gets that folder's key check.
 */
import { STATUS_CODES } from "node:http";
import { join } from "node:path";
import autoload from "@fastify/autoload";
import type { FastifyError, FastifyPluginAsync } from "fastify";
import type { ServiceConfig } from "../../lib/config.ts";
import operatorConsole from "./console/index.ts";
import type { ServiceError } from "./errors.ts";
import apiKeys from "./plugins/api-keys.ts";
import auth from "./plugins/auth.ts";
import ingest from "./plugins/ingest.ts";
import jsonBody from "./plugins/json-body.ts";
import pressure from "./plugins/pressure.ts";
import rateLimit from "./plugins/rate-limit.ts";
import requestLog from "./plugins/request-log.ts";
import resources from "./plugins/resources.ts";
import swagger from "./plugins/swagger.ts";
import tracing from "./plugins/tracing.ts";
import { ErrorResponse } from "./schemas/common.ts";
import "./types.ts";

export interface AppOptions {
  readonly config: ServiceConfig;
}

const app: FastifyPluginAsync<AppOptions> = async (app, opts) => {
  app.decorate("config", opts.config);
  app.addSchema(ErrorResponse);

  // Order matters: resources first; shedding before anything reads a body; the key hooks (added by
  // routes/*/autohooks.ts) run before rate limiting, a route-level hook that keys on the API key
  // name; swagger before the routes it documents.
  await app.register(resources);
  await app.register(requestLog);
  await app.register(tracing);
  await app.register(pressure);
  await app.register(jsonBody);
  await app.register(apiKeys);
  await app.register(auth);
  await app.register(rateLimit);
  await app.register(ingest);
  await app.register(swagger);

  app.setErrorHandler((err: FastifyError & Partial<Pick<ServiceError, "details">>, req, reply) => {
    const statusCode = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const code = err.code ?? (statusCode >= 500 ? "ERR_INTERNAL" : "ERR_BAD_REQUEST");
    req.errorCode = code;
    if (statusCode >= 500) req.log.error({ err }, "request failed");
    else req.log.info({ code, statusCode, reason: err.message }, "request rejected");
    return reply.code(statusCode).send({
      statusCode,
      code,
      error: STATUS_CODES[statusCode] ?? "Error",
      message: statusCode >= 500 ? "Internal Server Error" : err.message,
      requestId: req.id,
      ...err.details,
    });
  });

  // Rate limited so that probing for URLs is slow (keyed by address: there is no key on a 404).
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, async (req, reply) => {
    req.errorCode = "ERR_NOT_FOUND";
    return reply.code(404).send({
      statusCode: 404,
      code: "ERR_NOT_FOUND",
      error: "Not Found",
      message: `Route ${req.method} ${req.url.split("?")[0]} not found`,
      requestId: req.id,
    });
  });

  await app.register(operatorConsole); // /console: the operator console (console/index.ts), with admin keys only
  // Each route file spells its full path (greppable, as runbooks quote them): no folder prefixes.
  await app.register(autoload, {
    dir: join(import.meta.dirname, "routes"),
    dirNameRoutePrefix: false,
    autoHooks: true,
    cascadeHooks: true,
    ignoreFilter: (path) =>
      !(opts.config.ADMIN_API_KEYS || opts.config.ADMIN_API_KEYS_SECRET_ID) && path.startsWith("/admin/"),
  });
};

export default app;
