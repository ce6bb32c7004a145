/**
 * The hang fault on a real Redis: through HangProxy, a hung Redis keeps the connection open and
 * answers nothing; lib/redis.ts gives up on a command after REDIS_COMMAND_TIMEOUT_MS, and the
 * connection works again once the hang ends. Plus the latency arithmetic the summary uses.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { createRedis, REDIS_COMMAND_TIMEOUT_MS } from "../../../../lib/redis.ts";
import { HangProxy } from "../hang-proxy.ts";
import { latencyDuring, latencyOutside, percentile, serviceSamples } from "../latency.ts";

t.test("a hung Redis: commands time out at once instead of hanging, and recover after", async (t) => {
  const target = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const proxy = new HangProxy("Redis", Number(target.port));
  await proxy.start();
  const redis = createRedis({ REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: `hang-${process.pid}:` });
  redis.on("error", () => {});
  t.teardown(async () => {
    redis.disconnect();
    await proxy.stop();
  });
  t.equal(await redis.ping(), "PONG", "forwards while healthy");

  const hang = proxy.hang(2_500);
  const started = Date.now();
  await t.rejects(redis.set("k", "v"), /timed out/i, "the command fails instead of waiting for the hang");
  const waited = Date.now() - started;
  t.ok(waited < REDIS_COMMAND_TIMEOUT_MS + 500, `gave up after ${waited} ms`);
  t.equal(proxy.hung, true, "the proxy is still hung: silence, not a closed connection");
  await hang;
  t.equal(await redis.ping(), "PONG", "the same client works again once the hang ends");
  t.equal(proxy.hangs, 1);
});

t.test("percentiles and latency inside hang windows", async (t) => {
  t.equal(percentile([], 0.99), null);
  t.equal(percentile([5, 1, 3], 0.5), 3);
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  t.equal(percentile(values, 0.99), 99, "nearest rank: the 99th of 100");
  const samples = [
    { startedAt: 100, ms: 40, status: 202 },
    { startedAt: 150, ms: 1_200, status: 202 },
    { startedAt: 500, ms: 9_000, status: null },
  ];
  const windows = [{ kind: "hang-redis" as const, from: 90, to: 200 }];
  t.same(latencyDuring(samples, windows, "hang-redis"), { requests: 2, p99Ms: 1_200, maxMs: 1_200 });
  const overlapping = [...windows, { kind: "restart-postgres" as const, from: 1_000, to: 3_000 }];
  t.same(
    latencyDuring(samples, overlapping, "hang-redis"),
    { requests: 1, p99Ms: 40, maxMs: 40 },
    "a request that lived into a PostgreSQL restart is left out",
  );
  t.same(latencyOutside(samples, overlapping), { requests: 0, p99Ms: null, maxMs: null }, "every sample met a window");
  t.same(latencyOutside(samples, windows), { requests: 1, p99Ms: 9_000, maxMs: 9_000 }, "the baseline");
  t.same(latencyDuring(samples, windows, "hang-postgres"), { requests: 0, p99Ms: null, maxMs: null });
});

t.test("the service's own answer times come from its request log", async (t) => {
  const dir = t.testdir();
  const log = join(dir, "service.log");
  writeFileSync(
    log,
    [
      '{"level":30,"time":"2026-12-01T10:00:01.500Z","msg":"request completed","res":{"statusCode":202},"responseTime":500.4}',
      '{"level":30,"time":"2026-12-01T10:00:02.000Z","msg":"bill accepted"}',
      '{"level":30,"time":"2026-12-01T10:00:03.000Z","msg":"request comp', // cut by a SIGKILL
    ].join("\n"),
  );
  t.same(serviceSamples(log), [{ startedAt: Date.parse("2026-12-01T10:00:01.000Z"), ms: 500, status: 202 }]);
});
