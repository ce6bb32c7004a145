/**
 * The two key sets, each from its env variable or its Secrets Manager secret:
 * - app.apiKeys: NetSuite's keys, API_KEYS or API_KEYS_SECRET_ID.
 * - app.adminKeys: the admin API's keys, ADMIN_API_KEYS or ADMIN_API_KEYS_SECRET_ID (empty without).
 * The two never mix: a NetSuite key does not open /admin/v1 and an admin key does not open the public API.
 * Both are re-read every API_KEYS_REFRESH_MS and at once on SIGHUP, so a rotated or revoked key
 * applies without a restart; a failed re-read keeps the keys in force. Start-up fails when a set
 * cannot be loaded (bad JSON, a short HMAC secret, an unreadable secret).
 */
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { type ApiKey, ApiKeyStore, parseApiKeys } from "../auth/api-keys.ts";

/** Reads one key set: the JSON in `inline` when set, else the secret `secretId`, else none. */
function keySource(app: FastifyInstance, inline: string | undefined, secretId: string | undefined) {
  return async (): Promise<ApiKey[]> => {
    if (inline) return parseApiKeys(inline);
    if (!secretId) return [];
    const out = await app.aws.secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!out.SecretString) throw new Error(`secret ${secretId} has no string value`);
    return parseApiKeys(out.SecretString);
  };
}

export default fp(
  async (app) => {
    const c = app.config;
    const loadApi = keySource(app, c.API_KEYS, c.API_KEYS_SECRET_ID);
    const loadAdmin = keySource(app, c.ADMIN_API_KEYS, c.ADMIN_API_KEYS_SECRET_ID);
    const [initialApi, initialAdmin] = await Promise.all([loadApi(), loadAdmin()]);
    const apiKeys = new ApiKeyStore(initialApi);
    const adminKeys = new ApiKeyStore(initialAdmin);
    if (apiKeys.size === 0) app.log.warn("no API keys configured: every authenticated route will answer 401");
    app.decorate("apiKeys", apiKeys);
    app.decorate("adminKeys", adminKeys);

    const refresh = (what: string, store: ApiKeyStore, load: () => Promise<ApiKey[]>) =>
      load()
        .then((keys) => store.replace(keys))
        .catch((err) => app.log.error({ err }, `re-reading ${what} failed; keeping the current set`));
    const reload = async () => {
      await Promise.all([refresh("API keys", apiKeys, loadApi), refresh("admin keys", adminKeys, loadAdmin)]);
    };
    app.decorate("reloadKeys", reload);
    const onHangup = () => {
      app.log.info("SIGHUP: re-reading API and admin keys");
      void reload();
    };
    process.on("SIGHUP", onHangup);
    const timer = setInterval(() => void reload(), c.API_KEYS_REFRESH_MS);
    timer.unref();
    app.addHook("preClose", async () => {
      clearInterval(timer);
      process.off("SIGHUP", onHangup);
    });
  },
  { name: "api-keys", dependencies: ["resources"] },
);

declare module "fastify" {
  interface FastifyInstance {
    /** The admin API's keys, checked by routes/admin/autohooks.ts. */
    adminKeys: ApiKeyStore;
    /** Re-reads both key sets from their source now (what SIGHUP and the timer do). */
    reloadKeys(): Promise<void>;
  }
}
