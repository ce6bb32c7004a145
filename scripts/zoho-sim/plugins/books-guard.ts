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

type FaultScope = { target: "books"; method: string; path: string };

/** Steps 1-2: "dropped" if the connection was cut, the 429 of a storm, or undefined to go on. */
function injectEarlyFault(
  sim: SimState,
  request: FastifyRequest,
  reply: FastifyReply,
  scope: FaultScope,
  now: number,
): "dropped" | ZohoError | undefined {
  if (sim.faults.pick("dropBefore", scope, now)) {
    sim.counters.injected.dropBefore++;
    reply.hijack();
    request.raw.socket.destroy();
    return "dropped";
  }
  const storm = sim.faults.pick("rate429", scope, now);
  if (!storm) return undefined;
  sim.counters.injected.rate429++;
  return storm.code === 45
    ? ZohoErrors.dailyLimit(sim.limits.dailyQuota)
    : storm.code === 1070
      ? ZohoErrors.concurrencyLimit()
      : ZohoErrors.minuteLimit();
}

/** Step 3: the Zoho-oauthtoken from the Authorization header, if it has one. */
function bearerToken(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  return auth && auth.length > TOKEN_PREFIX.length && auth.slice(0, TOKEN_PREFIX.length).toLowerCase() === TOKEN_PREFIX
    ? auth.slice(TOKEN_PREFIX.length).trim()
    : undefined;
}

/** Step 4: the organization the request names, or the refusal. */
function requestedOrganization(sim: SimState, request: FastifyRequest): Organization | ZohoError {
  const orgId = (request.query as Record<string, unknown>).organization_id;
  if (typeof orgId !== "string" || !/^\d{1,30}$/.test(orgId)) return ZohoErrors.invalidOrganization();
  return sim.organizations.get(orgId) ?? ZohoErrors.unknownOrganization(orgId);
}

/** Step 5: admit the call against the organization's limits, or the 429 that refuses it. */
function admit(sim: SimState, org: Organization, reply: FastifyReply, now: number): ZohoError | undefined {
  const rejection = org.limiter.admit(sim.limits, now);
  if (rejection !== null) {
    sim.counters.rejected429[String(rejection) as "44" | "45" | "1070"]++;
    return rejection === 45
      ? ZohoErrors.dailyLimit(sim.limits.dailyQuota)
      : rejection === 44
        ? ZohoErrors.minuteLimit()
        : ZohoErrors.concurrencyLimit();
  }
  const limiter = org.limiter;
  reply.raw.once("close", () => limiter.release());
  if (sim.options.rateLimitHeaders) {
    const dayEnd = limiter.dayStart + sim.limits.dayMs;
    reply.header("X-Rate-Limit-Limit", String(sim.limits.dailyQuota));
    reply.header("X-Rate-Limit-Remaining", String(Math.max(0, sim.limits.dailyQuota - limiter.dayCount)));
    reply.header("X-Rate-Limit-Reset", String(Math.max(0, Math.ceil((dayEnd - now) / 1000))));
  }
  return undefined;
}

/** Steps 6-7 and the mark for 9: slow answer, 5xx, or a drop after the handler; the 5xx if one fires. */
async function injectLateFault(
  sim: SimState,
  request: FastifyRequest,
  scope: FaultScope,
  now: number,
  dropAfter: WeakSet<FastifyRequest>,
): Promise<ZohoError | undefined> {
  const slow = sim.faults.pick("slow", scope, now);
  if (slow) {
    sim.counters.injected.slow++;
    await sleep(slow.delayMs);
  }
  const failure = sim.faults.pick("error5xx", scope, Date.now());
  if (failure) {
    sim.counters.injected.error5xx++;
    const err = ZohoErrors.internal();
    return { status: failure.status, body: err.body };
  }
  if (sim.faults.pick("dropAfter", scope, Date.now())) dropAfter.add(request);
  return undefined;
}

const guard: FastifyPluginAsync<GuardOptions> = async (app, { sim }) => {
  const dropAfter = new WeakSet<FastifyRequest>();

  app.addHook("onRequest", async (request, reply) => {
    const now = Date.now();
    const scope: FaultScope = { target: "books", method: request.method, path: request.url.split("?", 1)[0]! };
    const early = injectEarlyFault(sim, request, reply, scope, now);
    if (early === "dropped") return;
    if (early) return sendZoho(reply, early);
    if (sim.tokens.check(bearerToken(request), now) !== "ok") {
      sim.counters.unauthorized++;
      return sendZoho(reply, ZohoErrors.unauthorized());
    }
    if (request.routeOptions.config.zohoSimNoOrg) return;
    const org = requestedOrganization(sim, request);
    if (!("limiter" in org)) return sendZoho(reply, org);
    const refusal = admit(sim, org, reply, now);
    if (refusal) return sendZoho(reply, refusal);
    const failure = await injectLateFault(sim, request, scope, now, dropAfter);
    if (failure) return sendZoho(reply, failure);
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
