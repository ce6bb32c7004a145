/**
 * The NetSuite-key check, as two hooks that routes/api/autohooks.ts adds to the public API only:
 * - app.verifyApiKey (onRequest, before the body is read): x-api-key checked against the hashed keys;
 *   the key's name joins the request's log context. Failures are counted per client address in Redis;
 *   past AUTH_FAILURE_LIMIT_PER_MINUTE that address gets 429 for the rest of the window, valid key or
 *   not, so guessing cannot go on.
 * - app.verifySignature (preValidation, after the body is read, before schema work): keys with HMAC
 *   secrets must carry a valid Standard Webhooks signature over the raw body.
 * Decorators (fastify-plugin) so the hooks can be added in an encapsulated routes folder.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { verifySignature } from "../auth/signature.ts";
import { ERR_AUTH_RATE_LIMITED, ERR_BAD_SIGNATURE, ERR_UNAUTHORIZED } from "../errors.ts";

const WINDOW_MS = 60_000;
const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Failed authentications per client address, counted in Redis over a one-minute window. */
function failureCounter(app: FastifyInstance) {
  const limit = app.config.AUTH_FAILURE_LIMIT_PER_MINUTE;
  const failureKey = (ip: string) => `authfail:${ip}`;
  return {
    async record(ip: string): Promise<void> {
      try {
        await app.redis.multi().incr(failureKey(ip)).pexpire(failureKey(ip), WINDOW_MS, "NX").exec();
      } catch (err) {
        app.log.warn({ err }, "could not count a failed authentication");
      }
    },
    /** Milliseconds the address stays blocked, or 0. Redis trouble fails open: keys still decide. */
    async blockedFor(ip: string): Promise<number> {
      try {
        const [[, count], [, ttl]] = (await app.redis.multi().get(failureKey(ip)).pttl(failureKey(ip)).exec()) as [
          [unknown, string | null],
          [unknown, number],
        ];
        return Number(count ?? 0) >= limit ? Math.max(ttl, 1000) : 0;
      } catch {
        return 0;
      }
    },
  };
}

export default fp(
  async (app) => {
    const failures = failureCounter(app);
    app.decorateRequest("apiKey", undefined);

    app.decorate("verifyApiKey", async (req: FastifyRequest, reply: FastifyReply) => {
      const blocked = await failures.blockedFor(req.ip);
      if (blocked > 0) {
        reply.header("retry-after", String(Math.ceil(blocked / 1000)));
        throw ERR_AUTH_RATE_LIMITED();
      }
      const key = app.apiKeys.find(header(req.headers["x-api-key"]));
      if (!key) {
        await failures.record(req.ip);
        req.log.warn({ clientIp: req.ip }, "rejected: missing or invalid API key");
        throw ERR_UNAUTHORIZED();
      }
      req.apiKey = key;
      req.log = reply.log = req.log.child({ apiKeyName: key.name });
    });

    app.decorate("verifySignature", async (req: FastifyRequest) => {
      const key = req.apiKey;
      if (!key || key.hmacKeys.length === 0) return;
      const verdict = verifySignature(
        {
          id: header(req.headers["webhook-id"]),
          timestamp: header(req.headers["webhook-timestamp"]),
          signature: header(req.headers["webhook-signature"]),
        },
        req.rawBody ?? "",
        key.hmacKeys,
        app.config.SIGNATURE_TOLERANCE_SECONDS,
      );
      req.rawBody = undefined;
      if (!verdict.ok) {
        await failures.record(req.ip);
        req.log.warn({ reason: verdict.reason }, "rejected: bad request signature");
        throw ERR_BAD_SIGNATURE(verdict.reason);
      }
    });
  },
  { name: "auth", dependencies: ["api-keys", "resources"] },
);

declare module "fastify" {
  interface FastifyInstance {
    /** onRequest hook of the public API: a valid NetSuite key, or 401 (429 after too many failures). */
    verifyApiKey(req: FastifyRequest, reply: FastifyReply): Promise<void>;
    /** preValidation hook of the public API: the Standard Webhooks signature, for keys that need one. */
    verifySignature(req: FastifyRequest): Promise<void>;
  }
}
