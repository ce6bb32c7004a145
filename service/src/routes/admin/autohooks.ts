/**
 * The admin key check for every route in this folder (autoloaded with autoHooks, so it applies here
 * only). The admin API has its own key set, ADMIN_API_KEYS (app.adminKeys), sent as `x-admin-key`
 * and compared in constant time; NetSuite's keys cannot open it, and the NetSuite-key hook
 * (routes/api/autohooks.ts) never runs here. Without ADMIN_API_KEYS app.ts does not load this
 * folder at all, so /admin/v1 answers 404.
 */
import type { FastifyInstance } from "fastify";
import { ERR_UNAUTHORIZED } from "../../errors.ts";

export default async function adminKeyCheck(app: FastifyInstance) {
  app.decorateRequest("adminKeyName", undefined);

  app.addHook("onRequest", async (req) => {
    const presented = req.headers["x-admin-key"];
    const key = app.adminKeys.find(Array.isArray(presented) ? presented[0] : presented);
    if (!key) {
      req.log.warn({ clientIp: req.ip }, "rejected: missing or invalid admin key");
      throw ERR_UNAUTHORIZED();
    }
    req.log = req.log.child({ apiKeyName: key.name });
    req.adminKeyName = key.name;
  });
}

declare module "fastify" {
  interface FastifyRequest {
    /** Name of the admin key that authenticated an /admin/v1 request; recorded on operator actions. */
    adminKeyName: string | undefined;
  }
}
