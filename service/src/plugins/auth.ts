/**
 * The key checks, as decorators that routes/api/autohooks.ts and routes/admin/autohooks.ts add to
 * their folders (fastify-plugin, so they escape this plugin's encapsulation):
 * - app.verifyApiKey (onRequest, before the body is read): x-api-key against NetSuite's hashed keys.
 * - app.verifyAdminKey (onRequest): x-admin-key against the admin keys; the key's name is the operator.
 * - app.verifySignature (preValidation, after the body is read, before schema work): keys with HMAC
 *   secrets must carry a valid signature over method, path, query and raw body
 *   (auth/signature.ts), and its (webhook-id, timestamp) must be new (Redis SET NX, TTL = window).
 * A valid key is checked in memory and never touches Redis or the database. Failures (wrong key,
 * bad or replayed signature) are counted per client address (auth/failure-counter.ts); past
 * AUTH_FAILURE_LIMIT_PER_MINUTE requests without a valid key get 429, requests with one never do.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { ApiKey, ApiKeyStore } from "../auth/api-keys.ts";
import { AuthFailureCounter } from "../auth/failure-counter.ts";
import { verifySignature } from "../auth/signature.ts";
import { ERR_AUTH_RATE_LIMITED, ERR_BAD_SIGNATURE, ERR_UNAUTHORIZED } from "../errors.ts";

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** 401, or 429 with Retry-After once the address is past the limit. */
async function refuse(failures: AuthFailureCounter, req: FastifyRequest, reply: FastifyReply, why: string) {
  const blockedMs = await failures.record(req.ip);
  req.log.warn({ clientIp: req.ip }, `rejected: ${why}`);
  if (blockedMs > 0) {
    reply.header("retry-after", String(Math.ceil(blockedMs / 1000)));
    return ERR_AUTH_RATE_LIMITED();
  }
  return ERR_UNAUTHORIZED();
}

/** An onRequest hook that admits requests whose `headerName` matches a key of `keys()`. */
function keyCheck(failures: AuthFailureCounter, headerName: string, keys: () => ApiKeyStore) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<ApiKey> => {
    const key = keys().find(header(req.headers[headerName]));
    if (!key) throw await refuse(failures, req, reply, `missing or invalid ${headerName}`);
    req.log = reply.log = req.log.child({ apiKeyName: key.name });
    return key;
  };
}

/** True when this (key, webhook-id, timestamp) was not seen inside the window; Redis trouble fails open. */
async function firstUse(app: FastifyInstance, key: ApiKey, id: string, timestamp: string): Promise<boolean> {
  const ttlMs = app.config.SIGNATURE_TOLERANCE_SECONDS * 2 * 1000;
  try {
    return (await app.redis.set(`sigseen:${key.name}:${id}:${timestamp}`, "1", "PX", ttlMs, "NX")) === "OK";
  } catch (err) {
    app.log.warn({ err }, "replay store unavailable; the timestamp window alone bounds replays");
    return true;
  }
}

export default fp(
  async (app) => {
    const failures = new AuthFailureCounter({
      redis: app.redis,
      limitPerMinute: app.config.AUTH_FAILURE_LIMIT_PER_MINUTE,
      onRedisError: (err) => app.log.warn({ err }, "could not count a failed authentication"),
    });
    app.decorateRequest("apiKey", undefined);
    app.decorateRequest("adminKeyName", undefined);

    const apiKey = keyCheck(failures, "x-api-key", () => app.apiKeys);
    app.decorate("verifyApiKey", async (req: FastifyRequest, reply: FastifyReply) => {
      req.apiKey = await apiKey(req, reply);
    });
    const adminKey = keyCheck(failures, "x-admin-key", () => app.adminKeys);
    app.decorate("verifyAdminKey", async (req: FastifyRequest, reply: FastifyReply) => {
      req.adminKeyName = (await adminKey(req, reply)).name;
    });

    app.decorate("verifySignature", async (req: FastifyRequest) => {
      const key = req.apiKey;
      if (!key || key.hmacKeys.length === 0) return;
      const h = {
        id: header(req.headers["webhook-id"]),
        timestamp: header(req.headers["webhook-timestamp"]),
        signature: header(req.headers["webhook-signature"]),
      };
      const signed = { method: req.method, url: req.url, body: req.rawBody ?? "" };
      const verdict = verifySignature(h, signed, key.hmacKeys, app.config.SIGNATURE_TOLERANCE_SECONDS);
      req.rawBody = undefined;
      let reason = verdict.ok ? undefined : verdict.reason;
      if (!reason && !(await firstUse(app, key, h.id as string, h.timestamp as string))) {
        reason = "webhook-id and webhook-timestamp were already used";
      }
      if (reason) {
        await failures.record(req.ip);
        req.log.warn({ reason }, "rejected: bad request signature");
        throw ERR_BAD_SIGNATURE(reason);
      }
    });
  },
  { name: "auth", dependencies: ["api-keys", "resources"] },
);

declare module "fastify" {
  interface FastifyInstance {
    /** onRequest hook of the public API: a valid NetSuite key, or 401 (429 after too many failures). */
    verifyApiKey(req: FastifyRequest, reply: FastifyReply): Promise<void>;
    /** onRequest hook of the admin API: a valid admin key, or 401 (429 after too many failures). */
    verifyAdminKey(req: FastifyRequest, reply: FastifyReply): Promise<void>;
    /** preValidation hook of the public API: the request signature, for keys that need one. */
    verifySignature(req: FastifyRequest): Promise<void>;
  }
  interface FastifyRequest {
    /** Name of the admin key that authenticated an /admin/v1 request: the operator on operator actions. */
    adminKeyName: string | undefined;
  }
}
