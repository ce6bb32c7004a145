/**
 * X-Ray (off unless XRAY_ENABLED): one segment per request, named after the service, with the
 * incoming trace header honoured. Route handlers run their work through app.tracing.run so that AWS
 * SDK calls (clients captured in lib/aws.ts) and lib/tracing subsegments nest under the request.
 * The context is entered around the handler's work rather than in onRequest, because a POST body
 * arrives on socket events that would lose a context entered earlier.
 */
import fp from "fastify-plugin";
import { getXRay } from "../../../lib/tracing.ts";

type Segment = InstanceType<ReturnType<typeof getXRay>["Segment"]>;

export default fp(
  async (app) => {
    app.decorateRequest("segment", undefined);
    if (!app.config.XRAY_ENABLED) {
      app.decorate("tracing", { run: (_req, fn) => fn() });
      return;
    }
    const X = getXRay();
    // Background work (sweeper, health checks) has no segment: that is expected, not an error.
    X.setContextMissingStrategy("IGNORE_ERROR");
    const name = `bill-service-${app.config.ENVIRONMENT}`;

    app.addHook("onRequest", async (req) => {
      const header = req.headers["x-amzn-trace-id"];
      const trace = X.utils.processTraceData(typeof header === "string" ? header : undefined);
      const segment = new X.Segment(name, trace.root, trace.parent);
      segment.addIncomingRequestData(new X.middleware.IncomingRequestData(req.raw));
      segment.addAnnotation("reqId", req.id);
      req.segment = segment;
    });
    app.addHook("onResponse", async (req, reply) => {
      const segment = req.segment as Segment | undefined;
      if (!segment) return;
      if (req.apiKey) segment.addAnnotation("apiKeyName", req.apiKey.name);
      // addIncomingRequestData sets segment.http; its type is not declared.
      (segment as unknown as { http?: { close(res: unknown): void } }).http?.close(reply.raw);
      if (reply.statusCode === 429) segment.addThrottleFlag();
      else if (reply.statusCode >= 500) segment.addFaultFlag();
      else if (reply.statusCode >= 400) segment.addErrorFlag();
      segment.close();
    });
    app.decorate("tracing", {
      run: (req, fn) => {
        const segment = req.segment as Segment | undefined;
        if (!segment) return fn();
        return X.getNamespace().runAndReturn(() => {
          X.setSegment(segment);
          return fn();
        });
      },
    });
  },
  { name: "tracing" },
);
