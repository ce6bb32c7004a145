/**
 * Memory and load (docs/security.md): load shedding is on by default from the instance's memory,
 * a cap on body bytes in flight answers 503 + Retry-After, readiness is cached and says nothing
 * about why a check failed, and a flood of requests without a valid key never reaches PostgreSQL.
 */
import { totalmem } from "node:os";
import type { FastifyInstance } from "fastify";
import t from "tap";
import { loadServiceConfig } from "../../../lib/config.ts";
import { bodyBudgetBytes } from "../../src/plugins/body-budget.ts";
import { memoryLimits } from "../../src/plugins/pressure.ts";
import { API_KEYS, billBody, build, nothingWritten, pdf, post } from "../helper.ts";
import { ADMIN_API_KEYS } from "../routes/admin/keys.ts";

/** Counts every call into the app's database pools (any query goes through one of these methods). */
function countQueries(app: FastifyInstance): () => number {
  let calls = 0;
  for (const pool of new Set([app.db, app.adminDb])) {
    const p = pool as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(p)) {
      if (typeof value !== "function" || name === "end" || name === "getPoolState") continue;
      p[name] = (...args: unknown[]) => {
        calls++;
        return (value as (...a: unknown[]) => unknown).apply(pool, args);
      };
    }
  }
  return () => calls;
}

t.test("a flood without a valid key costs no database query", async (t) => {
  const { app } = await build(t, {
    ADMIN_API_KEYS,
    SWEEPER_INTERVAL_MS: "3600000",
    AUTH_FAILURE_LIMIT_PER_MINUTE: "50",
  });
  const queries = countQueries(app);
  const body = JSON.stringify(billBody(pdf(2048)));
  const statuses = new Map<number, number>();
  for (let i = 0; i < 100; i++) {
    const remoteAddress = `10.9.${i % 4}.${i}`;
    const requests = [
      { method: "POST" as const, url: "/api/v1/bills", payload: body, headers: { "content-type": "application/json" } },
      {
        method: "POST" as const,
        url: "/api/convert/base64-to-binary",
        payload: body,
        headers: { "x-api-key": `k${i}` },
      },
      {
        method: "GET" as const,
        url: "/api/v1/transactions/00000000-0000-4000-8000-000000000000",
        headers: { "x-api-key": "x" },
      },
      { method: "GET" as const, url: "/admin/v1/errors", headers: { "x-admin-key": `guess-${i}` } },
      { method: "GET" as const, url: `/nope/${i}` },
    ];
    for (const r of requests) {
      const res = await app.inject({ ...r, remoteAddress });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
  }
  const seen = JSON.stringify([...statuses]);
  t.ok(
    [...statuses.keys()].every((s) => [401, 404, 429].includes(s)),
    `only 401, 404 or 429: ${seen}`,
  );
  t.ok((statuses.get(401) ?? 0) > 0, "the flood was refused as unauthenticated");
  t.equal(queries(), 0, "500 requests without a valid key: 0 database queries");
  const valid = await post(app, billBody(pdf(1024)));
  t.equal(valid.statusCode, 202);
  t.ok(queries() > 0, "the counter does see the queries of a request with a valid key");
});

t.test("readiness is computed at most once a second and names no error", async (t) => {
  const { app } = await build(t, { SWEEPER_INTERVAL_MS: "3600000" });
  const queries = countQueries(app);
  const answers = await Promise.all(
    Array.from({ length: 50 }, () => app.inject({ method: "GET", url: "/health/ready" })),
  );
  t.ok(answers.every((a) => a.statusCode === 200));
  t.equal(queries(), 1, "50 probes inside a second: 1 database query");
  await new Promise((r) => setTimeout(r, 1_100));
  await app.inject({ method: "GET", url: "/health/ready" });
  t.equal(queries(), 2, "a probe after the second checks again");

  const broken = await build(t, { QUEUE_URL: "http://127.0.0.1:1/123456789012/does-not-exist" });
  const res = await broken.app.inject({ method: "GET", url: "/health/ready" });
  t.equal(res.statusCode, 503);
  t.match(res.json(), { status: "unavailable", checks: { queue: { ok: false } } });
  t.notMatch(res.body, /error|127\.0\.0\.1|does-not-exist|ECONNREFUSED/i, "no error text, host or queue name");
});

t.test("body bytes in flight are capped: 503 with Retry-After, nothing written, bytes released", async (t) => {
  const small = JSON.stringify(billBody(pdf(1024)));
  const { app, env } = await build(t, { MAX_BODY_BYTES_IN_FLIGHT: String(small.length + 500) });
  const big = JSON.stringify(billBody(pdf(4096)));
  const refused = await post(app, big);
  t.equal(refused.statusCode, 503);
  t.equal(refused.headers["retry-after"], "5");
  t.match(refused.json(), { code: "ERR_BODY_BUDGET" });
  t.same(await nothingWritten(app, env), { objects: 0, rows: 0, messages: 0 });
  const [a, b] = await Promise.all([post(app, small), post(app, JSON.stringify(billBody(pdf(1024))))]);
  t.same([a.statusCode, b.statusCode].sort(), [202, 503], "two bills that fit one at a time do not fit together");
  t.equal(app.bodyBytesInFlight(), 0, "every admitted byte was released");
  t.equal((await post(app, JSON.stringify(billBody(pdf(1024))))).statusCode, 202, "and the next one fits");
  const anonymous = await post(app, big, { "x-api-key": "wrong-key" });
  t.equal(anonymous.statusCode, 401, "a body without a valid key is refused by the key check, not the budget");
  t.equal(app.bodyBytesInFlight(), 0, "and held no budget");
});

t.test("the body budget defaults to 10% of the instance's memory", async (t) => {
  t.equal(bodyBudgetBytes(undefined), Math.floor(totalmem() * 0.1));
  t.equal(bodyBudgetBytes(5_000), 5_000, "MAX_BODY_BYTES_IN_FLIGHT wins when set");
});

t.test("load shedding is on by default, from the instance's memory", async (t) => {
  const config = loadServiceConfig({
    DATABASE_URL: "postgres://x@h/db",
    REDIS_URL: "redis://h",
    INCOMING_BUCKET: "bkt",
    PROCESSED_BUCKET: "bkt",
    QUEUE_URL: "http://q/1/q",
    DLQ_URL: "http://q/1/d",
    API_KEYS,
  });
  t.same(memoryLimits(config, 4_000_000_000, 8_000_000_000), {
    maxHeapUsedBytes: 3_400_000_000,
    maxRssBytes: 6_000_000_000,
  });
  t.same(
    memoryLimits({ ...config, PRESSURE_MAX_HEAP_USED_BYTES: 0, PRESSURE_MAX_RSS_BYTES: 123 }, 4e9, 8e9),
    { maxHeapUsedBytes: 0, maxRssBytes: 123 },
    "bytes set explicitly win; 0 turns a check off",
  );
  // A tiny share of memory puts this process over the RSS limit at the first sample.
  const { app, env } = await build(t, { PRESSURE_MAX_RSS_FRACTION: "0.0001" });
  await new Promise((r) => setTimeout(r, 1_200));
  const res = await post(app, billBody(pdf(1024)));
  t.equal(res.statusCode, 503);
  t.match(res.json(), { code: "ERR_UNDER_PRESSURE" });
  t.same(await nothingWritten(app, env), { objects: 0, rows: 0, messages: 0 });
});
