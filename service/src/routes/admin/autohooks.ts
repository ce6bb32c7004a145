/**
 * The admin key check for every route in this folder (autoloaded with autoHooks, so it applies here
 * only): app.verifyAdminKey (plugins/auth.ts) compares `x-admin-key` in constant time with the admin
 * keys (ADMIN_API_KEYS or its secret, re-read without a restart), counts failures per address like
 * the public API does, and sets req.adminKeyName: the operator recorded on operator actions, whatever
 * the body says. NetSuite's keys cannot open it, and the NetSuite-key hook (routes/api/autohooks.ts)
 * never runs here. Without admin keys app.ts does not load this folder at all, so /admin/v1 answers 404.
 */
import type { FastifyInstance } from "fastify";

export default async function adminKeyCheck(app: FastifyInstance) {
  app.addHook("onRequest", app.verifyAdminKey);
}
