/**
 * What stands before every console page but sign-in: a live session (else GET goes to the sign-in
 * page and anything else gets 401, before the body is read), and a valid CSRF token on every POST.
 */
import type { FastifyInstance } from "fastify";
import { operatorOf } from "../session.ts";

const SIGNED_OUT =
  "You are not signed in, or your session has ended. Sign in again with your admin key; nothing was changed.";

export function addGuard(app: FastifyInstance): void {
  app.addHook("onRequest", async (req, reply) => {
    const operator = operatorOf(app, req);
    if (!operator) {
      req.log.info({ clientIp: req.ip }, "console request without a session");
      if (req.session.operator) await req.session.destroy();
      if (req.method === "GET" || req.method === "HEAD") return reply.redirect("/console/sign-in", 303);
      return reply.code(401).page("error", "Signed out", { status: 401, message: SIGNED_OUT });
    }
    if (req.session.operator !== operator) req.session.operator = operator; // the key was renamed
    req.log = reply.log = req.log.child({ operator });
  });
  app.addHook("preHandler", (req, reply, done) => {
    if (req.method === "GET" || req.method === "HEAD") return done();
    app.csrfProtection(req, reply, done);
  });
}
