/**
 * Sign-in (sign-out is in actions.ts, behind the session and CSRF checks). The admin key is typed once into a password field, checked against the
 * admin key set (app.adminKeys, the same check as x-admin-key on /admin/v1) and never stored: the
 * session holds only the key's name, which becomes the operator's identity on every action.
 * Attempts are limited per address (10 a minute), so a key cannot be guessed through this form.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { signIn } from "../session.ts";

const SignInBody = Type.Object({ key: Type.String({ maxLength: 512 }) });

const signInRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/sign-in", async (req, reply) => {
    if (req.session.operator) return reply.redirect("/console/", 303);
    return reply.page("sign-in", "Sign in", {});
  });

  app.post(
    "/sign-in",
    { schema: { body: SignInBody }, config: { rateLimit: { max: 10, timeWindow: 60_000 } } },
    async (req, reply) => {
      const key = app.adminKeys.find(req.body.key.trim());
      if (!key) {
        req.log.warn({ clientIp: req.ip }, "console sign-in refused: invalid admin key");
        return reply.code(401).page("sign-in", "Sign in", { error: "That admin key is not valid." });
      }
      await signIn(req, key);
      req.log.info({ operator: key.name }, "console sign-in");
      return reply.redirect("/console/", 303);
    },
  );
};
export default signInRoutes;
