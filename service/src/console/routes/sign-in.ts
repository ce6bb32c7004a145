/**
 * Sign-in (sign-out is in actions.ts, behind the session and CSRF checks). The admin key is typed
 * once into a password field, checked against the admin key set (app.adminKeys, the same check as
 * x-admin-key on /admin/v1) and never stored: the session holds the key's name and SHA-256.
 * A wrong key counts as a failed authentication of the address (auth/failure-counter.ts, shared
 * with the API keys); past AUTH_FAILURE_LIMIT_PER_MINUTE the address gets 429 for the rest of the
 * minute, while a valid key still signs in.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { AuthFailureCounter } from "../../auth/failure-counter.ts";
import { signIn } from "../session.ts";

const SignInBody = Type.Object({ key: Type.String({ maxLength: 512 }) });

const signInRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const failures = new AuthFailureCounter({
    redis: app.redis,
    limitPerMinute: app.config.AUTH_FAILURE_LIMIT_PER_MINUTE,
    onRedisError: (err) => app.log.warn({ err }, "could not count a failed console sign-in"),
  });

  app.get("/sign-in", async (req, reply) => {
    if (req.session.operator) return reply.redirect("/console/", 303);
    return reply.page("sign-in", "Sign in", {});
  });

  app.post("/sign-in", { schema: { body: SignInBody } }, async (req, reply) => {
    const key = app.adminKeys.find(req.body.key.trim());
    if (!key) {
      const blockedMs = await failures.record(req.ip);
      req.log.warn({ clientIp: req.ip }, "console sign-in refused: invalid admin key");
      if (blockedMs > 0) {
        reply.header("retry-after", String(Math.ceil(blockedMs / 1000)));
        const wait = `Too many wrong keys from this address: wait ${Math.ceil(blockedMs / 1000)} seconds.`;
        return reply.code(429).page("sign-in", "Sign in", { error: wait });
      }
      return reply.code(401).page("sign-in", "Sign in", { error: "That admin key is not valid." });
    }
    await signIn(req, key);
    req.log.info({ operator: key.name }, "console sign-in");
    return reply.redirect("/console/", 303);
  });
};
export default signInRoutes;
