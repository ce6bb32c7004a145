/**
 * The operator console under /console (issue 18): server-rendered pages over the same operations as
 * the admin API (lib/operations/*), for the people who act on failed bills. Loaded only when
 * admin keys are configured, like /admin/v1; an admin key is exchanged for a short session at
 * /console/sign-in and every other page refuses a request without one (routes/guard.ts).
 *
 * Encapsulated (no fastify-plugin): its cookie, session, CSRF, form parser, views and error page
 * apply here only, never to the NetSuite API.
 */
import { join } from "node:path";
import formbody from "@fastify/formbody";
import fastifyStatic from "@fastify/static";
import type { FastifyError, FastifyInstance } from "fastify";
import actions from "./routes/actions.ts";
import billDetail from "./routes/bill-detail.ts";
import bills from "./routes/bills.ts";
import dlq from "./routes/dlq.ts";
import failed from "./routes/failed.ts";
import { addGuard } from "./routes/guard.ts";
import mappings from "./routes/mappings.ts";
import overview from "./routes/overview.ts";
import signIn from "./routes/sign-in.ts";
import totals from "./routes/totals.ts";
import zohoCalls from "./routes/zoho-calls.ts";
import { registerSession } from "./session.ts";
import { registerViews } from "./views.ts";

/** No external origin is ever needed: fonts, scripts and styles are all served from here. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

async function operatorConsole(app: FastifyInstance) {
  // Pages, not API: kept out of the public OpenAPI document (and so out of the fuzzer's reach list).
  app.addHook("onRoute", (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  app.addHook("onSend", async (_req, reply) => {
    reply.header("content-security-policy", CSP);
    reply.header("x-frame-options", "DENY");
    reply.header("referrer-policy", "no-referrer");
    reply.header("x-content-type-options", "nosniff");
  });
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(fastifyStatic, {
    root: join(import.meta.dirname, "static"),
    prefix: "/static/",
    maxAge: "1h",
  });
  await registerSession(app);
  await registerViews(app);
  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, "console request failed");
    else req.log.info({ code: err.code, status, reason: err.message }, "console request refused");
    const message =
      status >= 500
        ? "Something went wrong on our side. Nothing was changed; try again, or tell on-call."
        : err.code === "FST_CSRF_INVALID_TOKEN" || err.code === "FST_CSRF_MISSING_SECRET"
          ? "This form has expired or did not come from the console. Reload the page and try again; nothing was changed."
          : err.message;
    return reply.code(status).page("error", status >= 500 ? "Error" : "Refused", { status, message });
  });

  await app.register(signIn);
  await app.register(async (pages) => {
    addGuard(pages);
    await pages.register(overview);
    await pages.register(failed);
    await pages.register(bills);
    await pages.register(dlq);
    await pages.register(billDetail);
    await pages.register(actions);
    await pages.register(mappings);
    await pages.register(zohoCalls);
    await pages.register(totals);
  });
}

/**
 * Registered by app.ts; a no-op when no admin key is configured at start-up (then /console answers
 * 404). Reads and changes go through app.adminDb, the admin API's database login.
 */
export default async function consolePlugin(app: FastifyInstance) {
  if (app.adminKeys.size === 0) return;
  await app.register(operatorConsole, { prefix: "/console" });
}
