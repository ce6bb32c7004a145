/**
 * One log line per request with the agreed fields (reqId from Fastify's child logger, apiKeyName
 * once authenticated, transactionId once known, statusCode, responseTime), the request id echoed
 * in x-request-id, and the ingest metrics for routes marked `config: { ingest: true }`.
 * Headers and bodies are never logged here; lib/logger's redaction is the second line of defence.
 */
import fp from "fastify-plugin";

export default fp(
  async (app) => {
    app.decorateRequest("errorCode", undefined);
    app.addHook("onRequest", async (req, reply) => {
      reply.header("x-request-id", req.id);
    });

    // While draining, answers to in-flight requests close their keep-alive connection, so close()
    // completes when the last response is out instead of waiting for clients to hang up.
    let closing = false;
    app.addHook("preClose", async () => {
      closing = true;
    });
    app.addHook("onSend", async (_req, reply) => {
      if (closing) reply.header("connection", "close");
    });
    app.addHook("onResponse", async (req, reply) => {
      const statusCode = reply.statusCode;
      const responseTime = Math.round(reply.elapsedTime * 10) / 10;
      const fields = {
        method: req.method,
        url: req.routeOptions.url ?? req.url.split("?")[0],
        statusCode,
        responseTime,
      };
      if (statusCode >= 500) req.log.error(fields, "request completed");
      else req.log.info(fields, "request completed");

      if (!req.routeOptions.config.ingest) return;
      if (statusCode === 200 || statusCode === 202) {
        app.metrics.record("BillsAccepted", 1);
        app.metrics.record("IngestLatency", reply.elapsedTime, "Milliseconds");
      } else if (statusCode !== 429) {
        app.metrics.record("BillsRejected", 1, "Count", { Reason: req.errorCode ?? `HTTP_${statusCode}` });
      }
    });
  },
  { name: "request-log", dependencies: ["resources"] },
);
