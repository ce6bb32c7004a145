import { createHash } from "node:crypto";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import t from "tap";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import {
  API_KEY,
  billBody,
  build,
  HMAC_SECRET,
  HMAC_SECRET_NEXT,
  nothingWritten,
  pdf,
  post,
  SIGNED_KEY,
  signedHeaders,
} from "../helper.ts";

t.test("API keys", async (t) => {
  const { app, env, logs } = await build(t, {}, { captureLogs: true });

  t.test("a missing or wrong key is 401 with a JSON body, and nothing is written", async (t) => {
    for (const key of [undefined, "wrong", `${API_KEY}x`, API_KEY.toUpperCase()]) {
      const res = await app.inject({
        method: "POST",
        url: "/api/v1/bills",
        headers: { "content-type": "application/json", ...(key ? { "x-api-key": key } : {}) },
        payload: JSON.stringify(billBody(pdf(1024))),
      });
      t.equal(res.statusCode, 401);
      t.match(res.json(), { statusCode: 401, code: "ERR_UNAUTHORIZED", error: "Unauthorized" });
    }
    t.same(await nothingWritten(app, env), { objects: 0, rows: 0, messages: 0 });
  });

  t.test("several keys are valid at once and each key's name is in the logs and on the row", async (t) => {
    const plain = await post(app, billBody(pdf(1024)));
    t.equal(plain.statusCode, 202);
    const payload = JSON.stringify(billBody(pdf(1024)));
    const signed = await post(app, payload, signedHeaders(payload));
    t.equal(signed.statusCode, 202, signed.body);
    const done = logs.map((l) => JSON.parse(l)).filter((l) => l.msg === "request completed" && l.statusCode === 202);
    t.same(done.map((l) => l.apiKeyName).sort(), ["netsuite-signed", "netsuite-test"]);
  });
});

t.test("signed requests (Standard Webhooks)", async (t) => {
  const { app, env } = await build(t, { SIGNATURE_TOLERANCE_SECONDS: "300" });
  const payload = () => JSON.stringify(billBody(pdf(1024)));

  t.test("either of the two rotation secrets is accepted", async (t) => {
    for (const secret of [HMAC_SECRET, HMAC_SECRET_NEXT]) {
      const p = payload();
      const res = await post(app, p, signedHeaders(p, secret));
      t.equal(res.statusCode, 202, res.body);
    }
  });

  t.test("a list of signatures passes when one of them matches", async (t) => {
    const p = payload();
    const h = signedHeaders(p);
    const res = await post(app, p, {
      ...h,
      "webhook-signature": `v1,${Buffer.alloc(32).toString("base64")} ${h["webhook-signature"]}`,
    });
    t.equal(res.statusCode, 202);
  });

  t.test("bad, stale, future, missing or body-mismatched signatures are 401 and write nothing", async (t) => {
    const before = await nothingWritten(app, env);
    // Headers are made just before each request, and the stale and future timestamps sit 30 s
    // outside the 300 s tolerance: on a loaded machine a second between signing and checking
    // once turned "301 s ahead" into an accepted bill.
    const now = () => Math.floor(Date.now() / 1000);
    const p = payload();
    const other = `whsec_${Buffer.from("not-the-secret-not-the-secret!!!").toString("base64")}`;
    const cases: [string, () => Record<string, string>, string][] = [
      ["wrong secret", () => signedHeaders(p, other), p],
      ["stale timestamp", () => signedHeaders(p, HMAC_SECRET, now() - 330), p],
      ["future timestamp", () => signedHeaders(p, HMAC_SECRET, now() + 330), p],
      ["no signature headers", () => ({ "x-api-key": SIGNED_KEY }), p],
      ["body changed after signing", () => signedHeaders(p), p.replace("INV-1001.pdf", "INV-1002.pdf")],
      ["unknown version", () => ({ ...signedHeaders(p), "webhook-signature": "v2,abc" }), p],
    ];
    for (const [name, headers, body] of cases) {
      const res = await post(app, body, headers());
      t.equal(res.statusCode, 401, name);
      t.equal(res.json().code, "ERR_BAD_SIGNATURE", name);
    }
    t.same(await nothingWritten(app, env), before);
  });

  t.test("a signing key's GET requests are signed over an empty body", async (t) => {
    const p = payload();
    const created = await post(app, p, signedHeaders(p));
    const url = `/api/v1/transactions/${created.json().transactionId}`;
    const ok = await app.inject({
      method: "GET",
      url,
      headers: signedHeaders("", undefined, undefined, { method: "GET", url }),
    });
    t.equal(ok.statusCode, 200);
    const unsigned = await app.inject({ method: "GET", url, headers: { "x-api-key": SIGNED_KEY } });
    t.equal(unsigned.statusCode, 401);
  });
});

t.test("failed authentication is limited per client address", async (t) => {
  const { app } = await build(t, { AUTH_FAILURE_LIMIT_PER_MINUTE: "3" });
  const attempt = (key: string, ip: string) =>
    app.inject({
      method: "GET",
      url: "/api/v1/transactions/00000000-0000-4000-8000-000000000000",
      headers: { "x-api-key": key },
      remoteAddress: ip,
    });
  for (let i = 0; i < 3; i++) t.equal((await attempt("guess", "10.0.0.1")).statusCode, 401);
  const blocked = await attempt("guess", "10.0.0.1");
  t.equal(blocked.statusCode, 429);
  t.equal(blocked.json().code, "ERR_AUTH_RATE_LIMITED");
  t.ok(Number(blocked.headers["retry-after"]) > 0, "Retry-After");
  t.equal((await attempt("guess", "10.0.0.1")).statusCode, 429, "guessing cannot continue");
  t.equal((await attempt(API_KEY, "10.0.0.1")).statusCode, 404, "a valid key from that address is never blocked");
  t.equal((await attempt(API_KEY, "10.0.0.2")).statusCode, 404, "other addresses are unaffected");
});

t.test("the key hooks guard the public API only (routes/api/)", async (t) => {
  const { app } = await build(t, { AUTH_FAILURE_LIMIT_PER_MINUTE: "1" });
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: "GET", url, headers, remoteAddress: "10.0.0.3" });
  for (const url of ["/health/live", "/docs/json"]) t.equal((await get(url)).statusCode, 200, `${url} needs no key`);
  for (const url of ["/api/v1/nope", "/admin/v1/errors", "/nope"]) {
    t.equal((await get(url)).statusCode, 404, `${url}: no route, so no key check`);
  }
  const valid = await get("/api/v1/transactions/00000000-0000-4000-8000-000000000000", { "x-api-key": API_KEY });
  t.equal(valid.statusCode, 404, "the 404s above were not counted as failed authentication");
  t.equal((await get("/api/v1/transactions/00000000-0000-4000-8000-000000000000")).statusCode, 401);
});

t.test("keys can come from a Secrets Manager secret instead of the environment", async (t) => {
  const env = await setupTestEnv(t);
  const secrets = new SecretsManagerClient({ region: env.env.AWS_REGION });
  t.teardown(() => secrets.destroy());
  const name = `${env.id}/api-keys`;
  const sha256 = createHash("sha256").update("from-secrets-manager-key-0123456789").digest("hex");
  await secrets.send(
    new CreateSecretCommand({ Name: name, SecretString: JSON.stringify([{ name: "from-sm", sha256 }]) }),
  );
  const { app } = await build(
    t,
    { API_KEYS: "", API_KEYS_SECRET_ID: name },
    { env: { ...env, env: { ...env.env, API_KEYS: undefined } } },
  );
  const res = await post(app, billBody(pdf(1024)), { "x-api-key": "from-secrets-manager-key-0123456789" });
  t.equal(res.statusCode, 202, res.body);
  t.equal((await post(app, billBody(pdf(1024)))).statusCode, 401, "the env key set is not in force");
});
