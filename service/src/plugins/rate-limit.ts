/**
 * Per-key rate limit (@fastify/rate-limit on a budget leased from Redis, so the limit holds across
 * instances without a Redis call per request: rate-limit-budget.ts), with the
 * IETF RateLimit-* headers and a JSON 429 carrying Retry-After. Routes opt out with
 * `config: { rateLimit: false }` (health checks). Unauthenticated requests count per address.
 * If Redis is down the limiter steps aside rather than failing ingest.
 */
import rateLimit from "@fastify/rate-limit";
import fp from "fastify-plugin";
import { ERR_RATE_LIMITED } from "../errors.ts";
import { leasedBudgetStore } from "./rate-limit-budget.ts";

export default fp(
  async (app) => {
    await app.register(rateLimit, {
      global: true,
      max: app.config.RATE_LIMIT_PER_MINUTE,
      timeWindow: 60_000,
      // A budget leased from Redis in blocks (rate-limit-budget.ts): most requests make no Redis call.
      store: leasedBudgetStore(app.redis, "ratelimit:"),
      skipOnError: true,
      enableDraftSpec: true,
      keyGenerator: (req) => (req.apiKey ? `key:${req.apiKey.name}` : `ip:${req.ip}`),
      onExceeded: (req) => {
        app.metrics.record("RateLimited", 1);
        req.log.warn("rate limit exceeded");
      },
      errorResponseBuilder: (_req, ctx) => ERR_RATE_LIMITED(ctx.after),
    });
  },
  { name: "rate-limit", dependencies: ["auth", "resources"] },
);
