/**
 * routes/admin/autohooks.ts: the admin API exists only with ADMIN_API_KEYS, opens only to an admin
 * key (never a NetSuite key, and an admin key never opens the public API), and stays out of the
 * public OpenAPI document.
 */
import t from "tap";
import { API_KEY, build } from "../../helper.ts";
import { ADMIN_API_KEYS, ADMIN_KEY, adminHeaders as headers } from "./keys.ts";

t.test("without ADMIN_API_KEYS the admin routes do not exist", async (t) => {
  const { app } = await build(t);
  const res = await app.inject({ method: "GET", url: "/admin/v1/errors", headers });
  t.equal(res.statusCode, 404);
});

t.test("only an admin key opens the admin API, and only the admin API", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  t.equal((await app.inject({ method: "GET", url: "/admin/v1/errors" })).statusCode, 401, "no key");
  t.equal(
    (await app.inject({ method: "GET", url: "/admin/v1/errors", headers: { "x-api-key": API_KEY } })).statusCode,
    401,
    "a NetSuite key is not an admin key",
  );
  t.equal(
    (await app.inject({ method: "GET", url: "/admin/v1/errors", headers: { "x-admin-key": API_KEY } })).statusCode,
    401,
  );
  const denied = await app.inject({
    method: "GET",
    url: "/admin/v1/errors",
    headers: { "x-admin-key": `${ADMIN_KEY}x` },
  });
  t.match(denied.json(), { statusCode: 401, code: "ERR_UNAUTHORIZED" }, "the JSON error body");

  t.equal((await app.inject({ method: "GET", url: "/admin/v1/errors", headers })).statusCode, 200);
  const publicApi = await app.inject({
    method: "GET",
    url: "/api/v1/transactions/00000000-0000-4000-8000-000000000000",
    headers: { "x-api-key": ADMIN_KEY, ...headers },
  });
  t.equal(publicApi.statusCode, 401, "an admin key is not a NetSuite key");
});

t.test("the admin key's name is in the request's log line, the key never", async (t) => {
  const { app, logs } = await build(t, { ADMIN_API_KEYS }, { captureLogs: true });
  await app.inject({ method: "GET", url: "/admin/v1/operator-actions", headers });
  const done = logs.map((l) => JSON.parse(l)).filter((l) => l.msg === "request completed" && l.statusCode === 200);
  t.same(
    done.map((l) => l.apiKeyName),
    ["ops-oncall"],
  );
  t.notOk(
    logs.some((l) => l.includes(ADMIN_KEY)),
    "the key itself is not logged",
  );
});

t.test("the admin API stays out of the public OpenAPI document", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  const doc = (await app.inject({ method: "GET", url: "/docs/json" })).json();
  t.ok(
    Object.keys(doc.paths).some((p) => p.startsWith("/api/v1/")),
    "the public routes are documented",
  );
  t.notOk(
    Object.keys(doc.paths).some((p) => p.startsWith("/admin/")),
    "no /admin path",
  );
});
