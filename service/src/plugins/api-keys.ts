/**
 * app.apiKeys: NetSuite's key set, from API_KEYS or from the Secrets Manager secret API_KEYS_SECRET_ID
 * (re-read every API_KEYS_REFRESH_MS so a rotation applies without a restart; a failed re-read keeps
 * the keys in force). Start-up fails when the keys cannot be loaded.
 * app.adminKeys: the admin API's own key set, ADMIN_API_KEYS (empty without it). The two never mix:
 * a NetSuite key does not open /admin/v1 and an admin key does not open the public API.
 */
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import fp from "fastify-plugin";
import { ApiKeyStore, parseApiKeys } from "../auth/api-keys.ts";

export default fp(
  async (app) => {
    const c = app.config;
    const secretId = c.API_KEYS_SECRET_ID;
    const load = async () => {
      if (c.API_KEYS) return parseApiKeys(c.API_KEYS);
      const out = await app.aws.secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (!out.SecretString) throw new Error(`secret ${secretId} has no string value`);
      return parseApiKeys(out.SecretString);
    };
    const store = new ApiKeyStore(await load());
    if (store.size === 0) app.log.warn("no API keys configured: every authenticated route will answer 401");
    app.decorate("apiKeys", store);
    app.decorate("adminKeys", new ApiKeyStore(c.ADMIN_API_KEYS ? parseApiKeys(c.ADMIN_API_KEYS) : []));

    if (!c.API_KEYS && secretId) {
      const timer = setInterval(() => {
        load()
          .then((keys) => store.replace(keys))
          .catch((err) => app.log.error({ err }, "re-reading API keys failed; keeping the current set"));
      }, c.API_KEYS_REFRESH_MS);
      timer.unref();
      app.addHook("preClose", async () => clearInterval(timer));
    }
  },
  { name: "api-keys", dependencies: ["resources"] },
);

declare module "fastify" {
  interface FastifyInstance {
    /** The admin API's keys (ADMIN_API_KEYS), checked by routes/admin/autohooks.ts. */
    adminKeys: ApiKeyStore;
  }
}
