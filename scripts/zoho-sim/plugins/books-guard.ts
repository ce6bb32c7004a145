/**
 * What every Books v3 call goes through before its handler, in this order:
 *   1. fault: dropped connection ("before")   2. fault: 429 storm
 *   3. Authorization: Zoho-oauthtoken <t> (401 code 57)
 *   4. organization_id (400 code 2 missing/malformed, 400 code 6041 unknown)
 *   5. limits: daily quota (429 code 45), per-window (429 code 44), in flight (429 code 1070);
 *      only admitted calls count, and an admitted call holds its in-flight slot until it ends
 *   6. fault: slow answer (holding the slot)   7. fault: 5xx   8. handler
 *   9. fault: dropped connection ("after": the handler has committed, the answer never arrives)
 * No 429 carries Retry-After: Zoho documents none.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Organization, SimState } from "../state.ts";
import { type ZohoError, ZohoErrors } from "../zoho-errors.ts";

export interface GuardOptions {
  sim: SimState;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Books routes that do not need organization_id (GET /organizations). */
    zohoSimNoOrg?: boolean;
  }
}

const TOKEN_PREFIX = "zoho-oauthtoken ";

export function sendZoho(reply: FastifyReply, err: ZohoError): FastifyReply {
  return reply.code(err.status).type("application/json; charset=utf-8").send(err.body);
}

/** The organization the guard admitted this request for (Books routes only). */
export function organizationOf(sim: SimState, request: FastifyRequest): Organization | undefined {
  const id = (request.query as Record<string, unknown>).organization_id;
  return typeof id === "string" ? sim.organizations.get(id) : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const guard: FastifyPluginAsync<GuardOptions> = async (app, { sim }) => {
  const dropAfter = new WeakSet<FastifyRequest>();

  app.addHook("onRequest", async (request, reply) => {
    const now = Date.now();
    const scope = { target: "books" as const, method: request.method, path: request.url.split("?", 1)[0]! };
    if (sim.faults.peek("drop")?.when === "before" && sim.faults.pick("drop", scope, now)) {
      sim.counters.injected.dropBefore++;
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    const storm = sim.faults.pick("rate429", scope, now);
    if (storm) {
      sim.counters.injected.rate429++;
      const err =
        storm.code === 45
          ? ZohoErrors.dailyLimit(sim.limits.dailyQuota)
          : storm.code === 1070
            ? ZohoErrors.concurrencyLimit()
            : ZohoErrors.minuteLimit();
      return sendZoho(reply, err);
    }

    const auth = request.headers.authorization;
    const token =
      auth && auth.length > TOKEN_PREFIX.length && auth.slice(0, TOKEN_PREFIX.length).toLowerCase() === TOKEN_PREFIX
        ? auth.slice(TOKEN_PREFIX.length).trim()
        : undefined;
    if (sim.tokens.check(token, now) !== "ok") {
      sim.counters.unauthorized++;
      return sendZoho(reply, ZohoErrors.unauthorized());
    }

    if (request.routeOptions.config.zohoSimNoOrg) return;
    const orgId = (request.query as Record<string, unknown>).organization_id;
    if (typeof orgId !== "string" || !/^\d{1,30}$/.test(orgId)) {
      return sendZoho(reply, ZohoErrors.invalidOrganization());
    }
    const org = sim.organizations.get(orgId);
    if (!org) return sendZoho(reply, ZohoErrors.unknownOrganization(orgId));

    const rejection = org.limiter.admit(sim.limits, now);
    if (rejection !== null) {
      sim.counters.rejected429[String(rejection) as "44" | "45" | "1070"]++;
      const err =
        rejection === 45
          ? ZohoErrors.dailyLimit(sim.limits.dailyQuota)
          : rejection === 44
            ? ZohoErrors.minuteLimit()
            : ZohoErrors.concurrencyLimit();
      return sendZoho(reply, err);
    }
    const limiter = org.limiter;
    reply.raw.once("close", () => limiter.release());
    if (sim.options.rateLimitHeaders) {
      const dayEnd = limiter.dayStart + sim.limits.dayMs;
      reply.header("X-Rate-Limit-Limit", String(sim.limits.dailyQuota));
      reply.header("X-Rate-Limit-Remaining", String(Math.max(0, sim.limits.dailyQuota - limiter.dayCount)));
      reply.header("X-Rate-Limit-Reset", String(Math.max(0, Math.ceil((dayEnd - now) / 1000))));
    }

    const slow = sim.faults.pick("slow", scope, now);
    if (slow) {
      sim.counters.injected.slow++;
      await sleep(slow.delayMs);
    }
    const failure = sim.faults.pick("error5xx", scope, Date.now());
    if (failure) {
      sim.counters.injected.error5xx++;
      const err = ZohoErrors.internal();
      return sendZoho(reply, { status: failure.status, body: err.body });
    }
    if (sim.faults.peek("drop")?.when === "after" && sim.faults.pick("drop", scope, Date.now())) dropAfter.add(request);
  });

  app.addHook("onSend", async (request, reply, payload) => {
    if (!dropAfter.has(request)) return payload;
    sim.counters.injected.dropAfter++;
    reply.hijack();
    request.raw.socket.destroy();
    return payload;
  });
};

/** fastify-plugin so the hooks reach the sibling route plugins under /books/v3. */
export const booksGuard = fp(guard, { name: "zoho-sim-books-guard", fastify: "5.x" });
