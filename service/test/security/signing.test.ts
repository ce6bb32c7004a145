/**
 * Signing (docs/security.md): a signature covers method, path and query; a captured request sent
 * again inside the window is refused; HMAC secrets shorter than 32 bytes stop the start-up.
 */
import { createHash } from "node:crypto";
import Fastify from "fastify";
import fp from "fastify-plugin";
import t from "tap";
import { loadServiceConfig } from "../../../lib/config.ts";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import app from "../../src/app.ts";
import { signRequest } from "../../src/auth/signature.ts";
import { billBody, build, HMAC_SECRET, nothingWritten, pdf, post, SIGNED_KEY, signedHeaders } from "../helper.ts";

t.test("a signed request cannot be sent twice", async (t) => {
  const { app, env } = await build(t);
  const payload = JSON.stringify(billBody(pdf(1024)));
  const headers = signedHeaders(payload);
  t.equal((await post(app, payload, headers)).statusCode, 202);
  const again = await post(app, payload, headers);
  t.equal(again.statusCode, 401);
  t.match(again.json(), { code: "ERR_BAD_SIGNATURE", message: /already used/ });
  t.same(await nothingWritten(app, env), { objects: 1, rows: 1, messages: 1 }, "only the first one was stored");
  // NetSuite keeps the webhook-id across retries of one bill; a retry carries a fresh timestamp.
  const id = headers["webhook-id"];
  const at = Number(headers["webhook-timestamp"]) - 1;
  const target = { method: "POST", url: "/api/v1/bills", body: payload };
  const retry = {
    ...headers,
    "webhook-timestamp": String(at),
    "webhook-signature": signRequest(HMAC_SECRET, id, at, target),
  };
  t.equal((await post(app, payload, retry)).statusCode, 200, "a retry (same id, new timestamp) is answered");
});

t.test("a signature for one route does not open another", async (t) => {
  const { app, env } = await build(t);
  const payload = JSON.stringify(billBody(pdf(1024)));
  const forBills = signedHeaders(payload);
  const moved = await post(app, payload, forBills, "/api/convert/base64-to-binary");
  t.equal(moved.statusCode, 401, "signed for /api/v1/bills, sent to the legacy path");
  t.match(moved.json(), { message: /does not match/ });
  const withQuery = await post(app, payload, signedHeaders(payload), "/api/v1/bills?extra=1");
  t.equal(withQuery.statusCode, 401, "a query the signature does not cover");
  t.same(await nothingWritten(app, env), { objects: 0, rows: 0, messages: 0 });
});

t.test("an HMAC secret shorter than 32 bytes is refused at start-up, without echoing it", async (t) => {
  const short = `whsec_${Buffer.from("only-sixteen-byt").toString("base64")}`;
  const keys = JSON.stringify([
    { name: "netsuite-short", sha256: createHash("sha256").update(SIGNED_KEY).digest("hex"), hmacSecrets: [short] },
  ]);
  const env = await setupTestEnv(t);
  const config = loadServiceConfig({ ...env.env, API_KEYS: keys });
  const instance = Fastify();
  t.teardown(() => instance.close());
  const err = await instance
    .register(fp(app), { config })
    .ready()
    .then(
      () => undefined,
      (e: Error) => e,
    );
  t.ok(err, "the app does not start");
  t.match(err?.message, /hmacSecrets\.0: shorter than 32 bytes/);
  t.notOk(err?.message.includes(short.slice(6)), "the secret is not in the message");
});
