/**
 * Console sign-in state: an admin key is exchanged once for a session (@fastify/session, kept in
 * Redis so every instance shares it) in an HttpOnly, SameSite=Strict cookie scoped to /console,
 * with a fixed lifetime of SESSION_TTL_MS from sign-in (no sliding renewal). CSRF tokens
 * (@fastify/csrf-protection) are tied to the session; every change checks one.
 *
 * The cookie is not signed: the session id is 24 random bytes (uid-safe) and is the only secret,
 * stored in Redis as its SHA-256 (session-store.ts). Signing would need a secret shared by the
 * fleet and would protect nothing more: an id that is not in Redis is no session. Sign-in
 * regenerates the id, so a planted id never becomes a signed-in session.
 */
import cookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import session from "@fastify/session";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ApiKey } from "../auth/api-keys.ts";
import { RedisSessionStore } from "./session-store.ts";

/** How long a console session lasts after sign-in. */
export const SESSION_TTL_MS = 20 * 60_000;
export const COOKIE_NAME = "bmw_console";

/** Session ids carry their own entropy; see the file comment. */
const unsignedIds = {
  sign: (value: string) => value,
  unsign: (input: string) => ({ valid: input.length > 0, renew: false, value: input || null }),
};

export async function registerSession(app: FastifyInstance): Promise<void> {
  await app.register(cookie);
  await app.register(session, {
    secret: unsignedIds,
    cookieName: COOKIE_NAME,
    store: new RedisSessionStore(app.redis, SESSION_TTL_MS),
    saveUninitialized: false,
    rolling: false,
    // secure is set per sign-in (signIn below): @fastify/session's "auto" would drop to SameSite=Lax on http.
    cookie: { path: "/console", httpOnly: true, sameSite: "strict", secure: false, maxAge: SESSION_TTL_MS },
  });
  await app.register(csrf, { sessionPlugin: "@fastify/session" });
}

/**
 * The operator of a live session, or undefined: not signed in, past SESSION_TTL_MS, or its admin key
 * is no longer configured (keys are re-read without a restart, so withdrawing a key ends its
 * sessions at the next request). The name is the key's current name.
 */
export function operatorOf(app: FastifyInstance, req: FastifyRequest): string | undefined {
  const { keySha256, signedInAt } = req.session;
  if (!keySha256 || !signedInAt || Date.now() - signedInAt > SESSION_TTL_MS) return undefined;
  return app.adminKeys.byHash(Buffer.from(keySha256, "hex"))?.name;
}

/**
 * Secure over https (the internal listener; behind the ALB with TRUST_PROXY_HOPS set). Over plain
 * http, e.g. an SSM port-forward to localhost, @fastify/session would not set a Secure cookie at all,
 * so it goes without; HttpOnly and SameSite=Strict either way.
 */
const wantsSecureCookie = (req: FastifyRequest) => req.protocol === "https";

/** Starts a fresh session for the key's name (a new id: nothing from before sign-in carries over). */
export async function signIn(req: FastifyRequest, key: ApiKey): Promise<void> {
  await req.session.regenerate();
  req.session.options({ secure: wantsSecureCookie(req) });
  req.session.operator = key.name;
  req.session.keySha256 = key.hash.toString("hex");
  req.session.signedInAt = Date.now();
}

export async function signOut(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  await req.session.destroy();
  reply.clearCookie(COOKIE_NAME, { path: "/console" });
}

declare module "fastify" {
  interface Session {
    /** The admin key's name: the operator's identity on every action. */
    operator?: string;
    signedInAt?: number;
    /**
     * SHA-256 of the admin key (what ADMIN_API_KEYS itself holds, never the key): per request, the
     * key must still be configured.
     */
    keySha256?: string;
    /** One message for the next page (post/redirect/get). */
    flash?: { kind: "ok" | "error"; text: string };
    _csrf?: string;
  }
}
