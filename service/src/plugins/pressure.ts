/**
 * @fastify/under-pressure: answer 503 with Retry-After before the process falls over. On by
 * default: heap and RSS limits come from the instance (PRESSURE_MAX_HEAP_FRACTION of V8's heap
 * limit, PRESSURE_MAX_RSS_FRACTION of os.totalmem()) unless set in bytes; 0 turns a check off.
 * The body budget (plugins/body-budget.ts) registers here too, so both run before any body is read.
 */
import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import underPressure from "@fastify/under-pressure";
import fp from "fastify-plugin";
import type { ServiceConfig } from "../../../lib/config.ts";
import bodyBudget from "./body-budget.ts";

type MemoryConfig = Pick<
  ServiceConfig,
  "PRESSURE_MAX_HEAP_USED_BYTES" | "PRESSURE_MAX_RSS_BYTES" | "PRESSURE_MAX_HEAP_FRACTION" | "PRESSURE_MAX_RSS_FRACTION"
>;

/** The byte limits under-pressure gets: explicit settings first, else fractions of this instance's memory. */
export function memoryLimits(c: MemoryConfig, heapLimit = getHeapStatistics().heap_size_limit, memory = totalmem()) {
  return {
    maxHeapUsedBytes: c.PRESSURE_MAX_HEAP_USED_BYTES ?? Math.floor(heapLimit * c.PRESSURE_MAX_HEAP_FRACTION),
    maxRssBytes: c.PRESSURE_MAX_RSS_BYTES ?? Math.floor(memory * c.PRESSURE_MAX_RSS_FRACTION),
  };
}

export default fp(
  async (app) => {
    const c = app.config;
    const memory = memoryLimits(c);
    app.log.debug(memory, "load shedding limits");
    await app.register(underPressure, {
      maxEventLoopDelay: c.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
      ...memory,
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
    await app.register(bodyBudget);
  },
  { name: "pressure", dependencies: ["resources"] },
);
