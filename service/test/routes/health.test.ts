import t from "tap";
import { build } from "../helper.ts";

t.test("health, readiness and the OpenAPI document", async (t) => {
  const { app } = await build(t);
  const live = await app.inject({ method: "GET", url: "/health/live" });
  t.equal(live.statusCode, 200);
  t.same(live.json(), { status: "ok" });

  const ready = await app.inject({ method: "GET", url: "/health/ready" });
  t.equal(ready.statusCode, 200);
  t.match(ready.json(), { status: "ok", checks: { db: { ok: true }, redis: { ok: true }, queue: { ok: true } } });

  const doc = await app.inject({ method: "GET", url: "/docs/json" });
  t.equal(doc.statusCode, 200, "public: no key needed");
  const spec = doc.json();
  t.equal(spec.openapi, "3.1.0");
  t.ok(spec.paths["/api/v1/bills"].post.responses["202"]);
  t.ok(spec.paths["/api/v1/bills"].post.responses["413"]);
  t.ok(spec.paths["/api/v1/transactions/{id}"].get);
  t.equal(spec.paths["/api/convert/base64-to-binary"].post.deprecated, true);
  t.same(spec.components.securitySchemes.apiKey, { type: "apiKey", in: "header", name: "x-api-key" });
  const ui = await app.inject({ method: "GET", url: "/docs" });
  t.ok(ui.statusCode === 200 || ui.statusCode === 302, `UI served (${ui.statusCode})`);

  const unknown = await app.inject({ method: "GET", url: "/nope" });
  t.equal(unknown.statusCode, 404);
  t.match(unknown.json(), { code: "ERR_NOT_FOUND" });
  t.ok(unknown.headers["ratelimit-limit"], "the not-found handler is rate limited");
});

t.test("readiness is 503 naming the failing dependency", async (t) => {
  const { app } = await build(t, { QUEUE_URL: "http://127.0.0.1:55000/123456789012/does-not-exist" });
  const ready = await app.inject({ method: "GET", url: "/health/ready" });
  t.equal(ready.statusCode, 503);
  t.match(ready.json(), {
    status: "unavailable",
    checks: { db: { ok: true }, redis: { ok: true }, queue: { ok: false } },
  });
});
