/**
 * Zoho Accounts: POST /oauth/v2/token (refresh_token and authorization_code grants) and
 * POST /oauth/v2/token/revoke. Parameters come from the query string or a form body, as Zoho
 * accepts both. Errors are HTTP 200 with {"error": "..."} as Zoho answers them; only the
 * mint limit ("Access Denied") uses another status (options.mintDeniedStatus).
 * @see https://www.zoho.com/books/api/v3/oauth/
 * @see https://www.zoho.com/accounts/protocol/oauth/token-limits.html
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { SimState } from "../state.ts";
import type { MintResult } from "../tokens.ts";

export interface OauthOptions {
  sim: SimState;
}

const MINT_DENIED = {
  error_description: "You have made too many requests continuously. Please try again after some time.",
  error: "Access Denied",
  status: "failure",
};

function params(request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const source of [request.query, request.body]) {
    if (!source || typeof source !== "object") continue;
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      if (typeof v === "string") out[k] = v;
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Faults aimed at the accounts host (target "oauth" or "all"); true when the reply is taken care of. */
async function oauthFaults(sim: SimState, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const scope = { target: "oauth" as const, method: request.method, path: request.url.split("?", 1)[0]! };
  const now = Date.now();
  if (sim.faults.pick("dropBefore", scope, now)) {
    sim.counters.injected.dropBefore++;
    reply.hijack();
    request.raw.socket.destroy();
    return true;
  }
  const slow = sim.faults.pick("slow", scope, now);
  if (slow) {
    sim.counters.injected.slow++;
    await sleep(slow.delayMs);
  }
  if (sim.faults.pick("rate429", scope, Date.now())) {
    sim.counters.injected.rate429++;
    reply.code(sim.options.mintDeniedStatus).send(MINT_DENIED);
    return true;
  }
  const failure = sim.faults.pick("error5xx", scope, Date.now());
  if (failure) {
    sim.counters.injected.error5xx++;
    reply.code(failure.status).send({ error: "server_error" });
    return true;
  }
  return false;
}

export const oauthRoutes: FastifyPluginAsync<OauthOptions> = async (app, { sim }) => {
  app.post("/oauth/v2/token", async (request, reply) => {
    if (await oauthFaults(sim, request, reply)) return reply;
    const p = params(request);
    const now = Date.now();
    let result: MintResult;
    if (p.grant_type === "refresh_token") {
      result = sim.tokens.refreshGrant(
        { clientId: p.client_id, clientSecret: p.client_secret, refreshToken: p.refresh_token },
        sim.limits,
        now,
      );
    } else if (p.grant_type === "authorization_code") {
      result = sim.tokens.codeGrant(
        { clientId: p.client_id, clientSecret: p.client_secret, code: p.code },
        sim.limits,
        now,
      );
    } else {
      result = { ok: false, error: "unsupported_grant_type" };
    }
    if (!result.ok) {
      if (result.error === "access_denied") return reply.code(sim.options.mintDeniedStatus).send(MINT_DENIED);
      return reply.code(200).send({ error: result.error });
    }
    return reply.code(200).send({
      access_token: result.accessToken,
      ...(result.refreshToken ? { refresh_token: result.refreshToken } : {}),
      api_domain: sim.options.apiDomain ?? sim.baseUrl,
      token_type: "Bearer",
      expires_in: result.expiresIn,
    });
  });

  /** Revokes a refresh token (and its access tokens). Zoho's answer body is not documented here. */
  app.post("/oauth/v2/token/revoke", async (request, reply) => {
    if (await oauthFaults(sim, request, reply)) return reply;
    const token = params(request).token;
    if (token) sim.tokens.revokeRefreshTokens([token]);
    return reply.code(200).send({ status: "success" });
  });
};
