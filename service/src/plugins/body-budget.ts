/**
 * A cap on request body bytes held at once (MAX_BODY_BYTES_IN_FLIGHT, default 10% of the
 * instance's memory): the per-minute rate limit counts requests, not bytes, and each
 * maximum-size bill holds ~3.5x its size in memory while it is read, parsed and decoded. A request
 * whose declared size (Content-Length; without one, the body limit) does not fit gets 503 with
 * Retry-After before its body is read; its bytes are released when the response ends or the
 * client goes away. preParsing runs after the key hooks (onRequest), so requests without a valid
 * key never take any of the budget.
 */
import { totalmem } from "node:os";
import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

export const RETRY_AFTER_SECONDS = 5;

/** Content-Length when it is a sane number (Node's parser already refuses others); chunked: the body limit. */
function declaredBytes(req: FastifyRequest, fallback: number): number {
  const declared = req.headers["content-length"];
  if (declared !== undefined) return /^\d{1,15}$/.test(declared) ? Number(declared) : 0;
  return req.headers["transfer-encoding"] ? fallback : 0;
}

/** The configured budget, or 10% of the instance's memory. */
export const bodyBudgetBytes = (configured: number | undefined) => configured ?? Math.floor(totalmem() * 0.1);

export default fp(
  async (app) => {
    const budget = bodyBudgetBytes(app.config.MAX_BODY_BYTES_IN_FLIGHT);
    const fallback = app.initialConfig.bodyLimit ?? 1024 * 1024;
    let inFlight = 0;
    const held = new WeakMap<FastifyRequest, number>();
    const release = async (req: FastifyRequest) => {
      const bytes = held.get(req);
      if (bytes === undefined) return;
      held.delete(req);
      inFlight -= bytes;
    };

    app.addHook("preParsing", async (req: FastifyRequest, reply: FastifyReply, payload) => {
      const bytes = declaredBytes(req, fallback);
      if (bytes === 0) return payload;
      if (inFlight + bytes > budget) {
        app.metrics.record("BodyBudgetShed", 1);
        req.log.warn({ bytes, inFlight, budget }, "body budget exhausted: shedding request");
        return reply.code(503).header("retry-after", String(RETRY_AFTER_SECONDS)).send({
          statusCode: 503,
          code: "ERR_BODY_BUDGET",
          error: "Service Unavailable",
          message: "Too many request bytes in flight; retry later",
          requestId: req.id,
        });
      }
      inFlight += bytes;
      held.set(req, bytes);
      return payload;
    });
    app.addHook("onResponse", release);
    app.addHook("onRequestAbort", release);
    app.decorate("bodyBytesInFlight", () => inFlight);
  },
  { name: "body-budget", dependencies: ["resources"] },
);

declare module "fastify" {
  interface FastifyInstance {
    /** Request body bytes admitted and not yet answered (plugins/body-budget.ts). */
    bodyBytesInFlight(): number;
  }
}
