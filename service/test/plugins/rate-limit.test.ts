import t from "tap";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import { API_KEYS, billBody, build, nothingWritten, pdf, post } from "../helper.ts";

t.test("the per-key limit holds across instances, with RateLimit-* headers and a JSON 429", async (t) => {
  const env = await setupTestEnv(t, { API_KEYS });
  // Two instances sharing Redis, like two EC2 instances behind the ALB.
  const a = await build(t, { RATE_LIMIT_PER_MINUTE: "3" }, { env });
  const b = await build(t, { RATE_LIMIT_PER_MINUTE: "3" }, { env });
  const get = (app: typeof a.app) =>
    app.inject({
      method: "GET",
      url: "/api/v1/transactions/00000000-0000-4000-8000-000000000000",
      headers: { "x-api-key": "test-key-0123456789abcdef0123456789abcdef" },
    });

  const first = await get(a.app);
  t.equal(first.statusCode, 404);
  t.equal(first.headers["ratelimit-limit"], "3");
  t.equal(first.headers["ratelimit-remaining"], "2");
  t.ok(first.headers["ratelimit-reset"]);
  t.equal((await get(b.app)).statusCode, 404);
  t.equal((await get(a.app)).statusCode, 404);
  const limited = await get(b.app);
  t.equal(limited.statusCode, 429, "the fourth request, on the other instance, is limited");
  t.match(limited.json(), {
    statusCode: 429,
    code: "ERR_RATE_LIMITED",
    error: "Too Many Requests",
    message: /retry in/,
  });
  t.ok(Number(limited.headers["retry-after"]) > 0, "Retry-After");
  t.equal(limited.headers["ratelimit-remaining"], "0");

  const ingest = await post(a.app, billBody(pdf(1024)));
  t.equal(ingest.statusCode, 429, "ingest shares the key's budget");
  t.same(await nothingWritten(a.app, env), { objects: 0, rows: 0, messages: 0 });

  const health = await a.app.inject({ method: "GET", url: "/health/live" });
  t.equal(health.statusCode, 200, "health checks are never limited");
  t.notOk(health.headers["ratelimit-limit"]);
});
