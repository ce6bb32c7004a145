/**
 * The admin edge (docs/security.md): failed admin-key attempts are limited per address like
 * NetSuite-key ones (and a valid admin key is never blocked), and both key sets are re-read from
 * their secrets on SIGHUP, so a new key works and a revoked one stops without a restart.
 */
import { createHash } from "node:crypto";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import t from "tap";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import { billBody, build, pdf, post } from "../helper.ts";
import { ADMIN_API_KEYS, ADMIN_KEY } from "../routes/admin/keys.ts";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

t.test("failed admin keys are limited per address; a valid admin key is not", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS, AUTH_FAILURE_LIMIT_PER_MINUTE: "3" });
  const get = (key: string | undefined, ip: string) =>
    app.inject({
      method: "GET",
      url: "/admin/v1/errors",
      headers: key ? { "x-admin-key": key } : {},
      remoteAddress: ip,
    });
  for (let i = 0; i < 3; i++) t.equal((await get(`guess-${i}`, "10.7.0.1")).statusCode, 401, `guess ${i + 1}`);
  const blocked = await get(undefined, "10.7.0.1");
  t.equal(blocked.statusCode, 429);
  t.equal(blocked.json().code, "ERR_AUTH_RATE_LIMITED");
  t.ok(Number(blocked.headers["retry-after"]) > 0, "Retry-After");
  t.equal((await get(ADMIN_KEY, "10.7.0.1")).statusCode, 200, "the right admin key from that address");
  t.equal((await get("guess-x", "10.7.0.2")).statusCode, 401, "other addresses are counted apart");
});

t.test("API and admin keys are re-read from their secrets on SIGHUP", async (t) => {
  const env = await setupTestEnv(t);
  const secrets = new SecretsManagerClient({ region: env.env.AWS_REGION });
  t.teardown(() => secrets.destroy());
  const keySet = (name: string, key: string) => JSON.stringify([{ name, sha256: sha(key) }]);
  const [apiOld, apiNew] = ["api-old-key-0123456789abcdef0123456789", "api-new-key-0123456789abcdef0123456789"];
  const [adminOld, adminNew] = ["admin-old-0123456789abcdef0123456789ab", "admin-new-0123456789abcdef0123456789ab"];
  const apiId = `${env.id}/api-keys`;
  const adminId = `${env.id}/admin-keys`;
  await secrets.send(new CreateSecretCommand({ Name: apiId, SecretString: keySet("netsuite-1", apiOld) }));
  await secrets.send(new CreateSecretCommand({ Name: adminId, SecretString: keySet("ops-alice", adminOld) }));
  const { app } = await build(
    t,
    { API_KEYS: "", API_KEYS_SECRET_ID: apiId, ADMIN_API_KEYS_SECRET_ID: adminId },
    { env: { ...env, env: { ...env.env, API_KEYS: undefined } } },
  );
  const admin = (key: string) =>
    app.inject({ method: "GET", url: "/admin/v1/errors", headers: { "x-admin-key": key } });
  const api = (key: string) => post(app, billBody(pdf(1024)), { "x-api-key": key });

  t.equal((await admin(adminOld)).statusCode, 200, "admin keys from the secret (no ADMIN_API_KEYS)");
  t.equal((await api(apiOld)).statusCode, 202);
  await secrets.send(new PutSecretValueCommand({ SecretId: apiId, SecretString: keySet("netsuite-2", apiNew) }));
  await secrets.send(new PutSecretValueCommand({ SecretId: adminId, SecretString: keySet("ops-bob", adminNew) }));
  t.equal((await admin(adminNew)).statusCode, 401, "not before the re-read");

  process.kill(process.pid, "SIGHUP");
  const deadline = Date.now() + 5_000;
  while ((await admin(adminNew)).statusCode !== 200 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  t.equal((await admin(adminNew)).statusCode, 200, "the new admin key works");
  t.equal((await admin(adminOld)).statusCode, 401, "the revoked admin key does not");
  t.equal((await api(apiNew)).statusCode, 202, "the new API key works");
  t.equal((await api(apiOld)).statusCode, 401, "the revoked API key does not");
});

t.test("keys are re-read on the API_KEYS_REFRESH_MS timer; a failed re-read keeps the keys in force", async (t) => {
  const env = await setupTestEnv(t);
  const secrets = new SecretsManagerClient({ region: env.env.AWS_REGION });
  t.teardown(() => secrets.destroy());
  const keySet = (name: string, key: string) => JSON.stringify([{ name, sha256: sha(key) }]);
  const [oldKey, newKey] = ["admin-timer-old-0123456789abcdef01234567", "admin-timer-new-0123456789abcdef01234567"];
  const adminId = `${env.id}/admin-keys-timer`;
  await secrets.send(new CreateSecretCommand({ Name: adminId, SecretString: keySet("ops-alice", oldKey) }));
  const { app } = await build(t, { ADMIN_API_KEYS_SECRET_ID: adminId, API_KEYS_REFRESH_MS: "1000" }, { env });
  const admin = (key: string) =>
    app.inject({ method: "GET", url: "/admin/v1/errors", headers: { "x-admin-key": key } });
  t.equal((await admin(oldKey)).statusCode, 200);

  await secrets.send(new PutSecretValueCommand({ SecretId: adminId, SecretString: "not json" }));
  await app.reloadKeys();
  t.equal((await admin(oldKey)).statusCode, 200, "an unreadable secret leaves the current keys in force");

  await secrets.send(new PutSecretValueCommand({ SecretId: adminId, SecretString: keySet("ops-bob", newKey) }));
  const deadline = Date.now() + 5_000; // the timer fires every second; no SIGHUP here
  while ((await admin(newKey)).statusCode !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.equal((await admin(newKey)).statusCode, 200, "the new key works without a signal or restart");
  t.equal((await admin(oldKey)).statusCode, 401, "the old one is gone");
});
