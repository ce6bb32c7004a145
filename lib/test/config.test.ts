import t from "tap";
import { ConfigError, loadServiceConfig, loadWorkerConfig } from "../config.ts";

const good = {
  DATABASE_URL: "postgres://u@127.0.0.1:5432/db",
  REDIS_URL: "redis://127.0.0.1:6379",
  INCOMING_BUCKET: "incoming-bucket",
  PROCESSED_BUCKET: "processed-bucket",
  QUEUE_URL: "http://127.0.0.1:5000/123/q",
  DLQ_URL: "http://127.0.0.1:5000/123/dlq",
  API_KEYS: "[]",
};

t.test("a complete environment parses into typed, frozen values with safe defaults", async (t) => {
  const cfg = loadServiceConfig({ ...good, PORT: "8080", S3_FORCE_PATH_STYLE: "true" });
  t.equal(cfg.PORT, 8080);
  t.equal(cfg.S3_FORCE_PATH_STYLE, true);
  t.equal(cfg.MAX_PDF_BYTES, 10 * 1024 * 1024, "10 MiB default decoded size limit");
  t.ok(Object.isFrozen(cfg));
  t.throws(() => {
    (cfg as { PORT: number }).PORT = 1;
  }, TypeError);
});

t.test("start-up fails with a message naming each bad or missing variable", async (t) => {
  const err = t.throws(() =>
    loadServiceConfig({ ...good, PORT: "http", REDIS_URL: "", DATABASE_URL: "mysql://x/y" }),
  ) as ConfigError;
  t.type(err, ConfigError);
  t.match(err.message, /PORT:/);
  t.match(err.message, /REDIS_URL: is required but not set/);
  t.match(err.message, /DATABASE_URL:/);
  t.same([...err.variables].sort(), ["DATABASE_URL", "PORT", "REDIS_URL"]);
});

t.test("a secret value never appears in the configuration error", async (t) => {
  const err = t.throws(() =>
    loadWorkerConfig({
      ...good,
      ZOHO_ORGANIZATION_ID: "1",
      ZOHO_CLIENT_ID: "c",
      ZOHO_CLIENT_SECRET: "s",
      TOKEN_ENCRYPTION_KEY: "short-secret-value",
    }),
  ) as ConfigError;
  t.same(err.variables, ["TOKEN_ENCRYPTION_KEY"]);
  t.notMatch(err.message, /short-secret-value/);
});

t.test("the service refuses to start with no API keys configured", async (t) => {
  const { API_KEYS: _, ...rest } = good;
  const err = t.throws(() => loadServiceConfig(rest)) as ConfigError;
  t.same(err.variables, ["API_KEYS"]);
});

t.test("booleans reject ambiguous values", async (t) => {
  const err = t.throws(() => loadServiceConfig({ ...good, S3_FORCE_PATH_STYLE: "maybe" })) as ConfigError;
  t.same(err.variables, ["S3_FORCE_PATH_STYLE"]);
});
