/**
 * The NetSuite key guards every route in this folder, the public API (autoloaded with autoHooks, so
 * it applies here only): app.verifyApiKey before the body is read, app.verifySignature after it is
 * read for keys that require signed requests (plugins/auth.ts). Health checks, /docs and the admin
 * API live outside this folder and never see these hooks.
 */
import type { FastifyInstance } from "fastify";

export default async function netsuiteKeyCheck(app: FastifyInstance) {
  app.addHook("onRequest", app.verifyApiKey);
  app.addHook("preValidation", app.verifySignature);
}
