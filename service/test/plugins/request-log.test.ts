import t from "tap";
import { API_KEY, billBody, build, HMAC_SECRET, pdf, post, SIGNED_KEY, signedHeaders } from "../helper.ts";

t.test("no log line carries a token, a key, a signature or PDF data", async (t) => {
  const { app, logs } = await build(t, { LOG_LEVEL: "trace" }, { captureLogs: true });
  const bytes = pdf(4096);
  const base64 = bytes.toString("base64");
  const token = "Bearer zoho-access-token-1000.abcdef0123456789";
  const body = billBody(bytes);
  const payload = JSON.stringify(body);
  const signed = signedHeaders(payload);

  const ok = await post(app, payload, { ...signed, authorization: token, cookie: "session=secret-cookie" });
  t.equal(ok.statusCode, 202);
  // Failures log too: a wrong key, a bad signature, a bad body, a 5xx-free conflict.
  await post(app, payload, { "x-api-key": "wrong-key-that-must-not-be-logged", authorization: token });
  await post(app, payload, { ...signedHeaders(payload, `whsec_${Buffer.from("x".repeat(32)).toString("base64")}`) });
  await post(app, { ...body, base64Data: `${base64.slice(0, 100)}$$$$` }, { authorization: token });
  await post(app, { ...body, base64Data: pdf(4096).toString("base64") }, { authorization: token });
  app.log.info({ body, headers: { authorization: token, "x-api-key": API_KEY } }, "deliberately logging secrets");

  t.ok(logs.length >= 8, `${logs.length} lines captured`);
  const secrets = {
    "the API key": API_KEY,
    "the signing key": SIGNED_KEY,
    "the wrong key": "wrong-key-that-must-not-be-logged",
    "the token": "zoho-access-token",
    "the signature": signed["webhook-signature"].slice(3),
    "the HMAC secret": HMAC_SECRET.slice(6),
    "the cookie": "secret-cookie",
    "PDF data": base64.slice(0, 40),
    "the middle of the PDF data": base64.slice(2000, 2040),
  };
  for (const [what, value] of Object.entries(secrets)) {
    t.notOk(
      logs.find((l) => l.includes(value)),
      `${what} is in no log line`,
    );
  }

  const completed = logs.map((l) => JSON.parse(l)).find((l) => l.msg === "request completed" && l.statusCode === 202);
  t.match(completed, {
    level: "info",
    service: "bill-service",
    env: "test",
    reqId: String,
    apiKeyName: "netsuite-signed",
    transactionId: ok.json().transactionId,
    netsuiteBillId: body.netsuiteBillId,
    statusCode: 202,
    responseTime: Number,
  });
  t.equal(ok.headers["x-request-id"], completed.reqId, "the request id is echoed to the caller");
});

t.test("a caller's x-request-id is kept when it looks like one", async (t) => {
  const { app } = await build(t);
  const res = await app.inject({ method: "GET", url: "/health/live", headers: { "x-request-id": "ns-req-12345678" } });
  t.equal(res.headers["x-request-id"], "ns-req-12345678");
  const bad = await app.inject({ method: "GET", url: "/health/live", headers: { "x-request-id": "a\nb" } });
  t.not(bad.headers["x-request-id"], "a\nb");
});
