/** @fastify/under-pressure: answer 503 with Retry-After before the process falls over. */
import underPressure from "@fastify/under-pressure";
import fp from "fastify-plugin";

export default fp(
  async (app) => {
    const c = app.config;
    await app.register(underPressure, {
      maxEventLoopDelay: c.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: c.PRESSURE_MAX_HEAP_USED_BYTES,
      maxRssBytes: c.PRESSURE_MAX_RSS_BYTES,
      maxEventLoopUtilization: c.PRESSURE_MAX_EVENT_LOOP_UTILIZATION,
      // Utilization over the last sample, not since start: start-up (module loading, JIT) would
      // otherwise count as overload for the first minutes.
      eventLoopUtilizationMode: "interval",
      retryAfter: 10,
      pressureHandler: (req, reply, type, value) => {
        req.log.warn({ type, value }, "under pressure: shedding request");
        app.metrics.record("LoadShed", 1);
        void reply.code(503).header("retry-after", "10").send({
          statusCode: 503,
          code: "ERR_UNDER_PRESSURE",
          error: "Service Unavailable",
          message: "Service Unavailable",
          requestId: req.id,
        });
      },
    });
  },
  { name: "pressure", dependencies: ["resources"] },
);
