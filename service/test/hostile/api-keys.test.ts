/**
 * Wrong, missing and brute-forced API keys (docs/hostile-inputs.md). Authentication runs before the
 * body is read; every failure is 401 ERR_UNAUTHORIZED and is counted per client address, and past
 * AUTH_FAILURE_LIMIT_PER_MINUTE that address gets 429 ERR_AUTH_RATE_LIMITED, valid key or not.
 */
import t from "tap";
import { API_KEY, billBody, build, pdf } from "../helper.ts";
import { nothingLeft, rejected } from "./expect.ts";

const send = (
  app: Awaited<ReturnType<typeof build>>["app"],
  headers: Record<string, string | string[]>,
  ip: string,
  url = "/api/v1/bills",
) =>
  app.inject({
    method: "POST",
    url,
    headers: { "content-type": "application/json", ...headers },
    payload: JSON.stringify(billBody(pdf(1024))),
    remoteAddress: ip,
  });

t.test("wrong and missing keys are 401 ERR_UNAUTHORIZED on every authenticated route", async (t) => {
  const { app, env } = await build(t, { AUTH_FAILURE_LIMIT_PER_MINUTE: "1000" });
  const cases: [string, Record<string, string | string[]>][] = [
    ["no key", {}],
    ["an empty key", { "x-api-key": "" }],
    ["a wrong key", { "x-api-key": "not-the-key" }],
    ["the key with one character changed", { "x-api-key": `${API_KEY.slice(0, -1)}0` }],
    ["the key's SHA-256 instead of the key", { "x-api-key": "a".repeat(64) }],
    ["the key plus a suffix", { "x-api-key": `${API_KEY}.` }],
    ["a 64 KiB key", { "x-api-key": "k".repeat(65_536) }],
    ["SQL as the key", { "x-api-key": "' OR '1'='1" }],
    ["the key as a Bearer token", { authorization: `Bearer ${API_KEY}` }],
    ["the key in another header", { "api-key": API_KEY }],
  ];
  for (const [what, headers] of cases) rejected(t, await send(app, headers, "10.1.0.1"), 401, "ERR_UNAUTHORIZED", what);
  const inQuery = await app.inject({
    method: "POST",
    url: `/api/v1/bills?x-api-key=${API_KEY}&api_key=${API_KEY}`,
    headers: { "content-type": "application/json" },
    payload: JSON.stringify(billBody(pdf(1024))),
  });
  rejected(t, inQuery, 401, "ERR_UNAUTHORIZED", "the key in the query string");
  rejected(
    t,
    await send(app, { "x-api-key": "wrong" }, "10.1.0.1", "/api/convert/base64-to-binary"),
    401,
    "ERR_UNAUTHORIZED",
    "legacy route",
  );
  const status = await app.inject({
    method: "GET",
    url: "/api/v1/transactions/00000000-0000-4000-8000-000000000000",
    headers: { "x-api-key": "wrong" },
  });
  rejected(t, status, 401, "ERR_UNAUTHORIZED", "status route");
  await nothingLeft(t, app, env, "wrong and missing keys");
});

t.test("brute force: past the limit the address gets 429 with Retry-After; the right key still passes", async (t) => {
  const { app, env } = await build(t, { AUTH_FAILURE_LIMIT_PER_MINUTE: "5" });
  for (let i = 0; i < 5; i++) {
    rejected(t, await send(app, { "x-api-key": `guess-${i}` }, "10.2.0.1"), 401, "ERR_UNAUTHORIZED", `guess ${i + 1}`);
  }
  const blocked = await send(app, { "x-api-key": "guess-6" }, "10.2.0.1");
  rejected(t, blocked, 429, "ERR_AUTH_RATE_LIMITED", "guess 6");
  t.ok(Number(blocked.headers["retry-after"]) > 0, `Retry-After ${blocked.headers["retry-after"]}`);
  await nothingLeft(t, app, env, "brute force");
  // NetSuite's egress addresses are shared: another customer's guesses must not lock our key out.
  const right = await send(app, { "x-api-key": API_KEY }, "10.2.0.1");
  t.equal(right.statusCode, 202, "the right key from the blocked address is accepted");
  rejected(t, await send(app, { "x-api-key": "guess-7" }, "10.2.0.1"), 429, "ERR_AUTH_RATE_LIMITED", "guess 7");
  const other = await send(app, { "x-api-key": API_KEY }, "10.2.0.2");
  t.equal(other.statusCode, 202, "another address with the right key is unaffected");
});

t.test("a valid key past its request budget gets 429 ERR_RATE_LIMITED with RateLimit headers", async (t) => {
  const { app, env } = await build(t, { RATE_LIMIT_PER_MINUTE: "2" });
  t.equal((await send(app, { "x-api-key": API_KEY }, "10.3.0.1")).statusCode, 202);
  t.equal((await send(app, { "x-api-key": API_KEY }, "10.3.0.2")).statusCode, 202);
  const limited = await send(app, { "x-api-key": API_KEY }, "10.3.0.3");
  rejected(t, limited, 429, "ERR_RATE_LIMITED", "third request in the minute, from any address");
  t.ok(Number(limited.headers["retry-after"]) > 0, "Retry-After");
  t.equal(limited.headers["ratelimit-limit"], "2", "RateLimit-Limit");
  await nothingLeft(t, app, env, "rate limited", { objects: 2, rows: 2, messages: 2 });
});
