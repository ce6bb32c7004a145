import { randomUUID } from "node:crypto";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Redis } from "ioredis";
import t from "tap";
import { loadWorkerConfig } from "../config.ts";
import { resolveSecretEnv, SECRET_ENV_INPUTS, SecretEnvError } from "../secret-env.ts";

// Real Secrets Manager on moto (AWS_ENDPOINT_URL from `npm test`).
const client = new SecretsManagerClient({ region: process.env.AWS_REGION ?? "us-east-1" });
t.teardown(() => client.destroy());

const run = randomUUID().slice(0, 8);
async function secret(name: string, value: string): Promise<string> {
  const out = await client.send(new CreateSecretCommand({ Name: `secret-env-${run}/${name}`, SecretString: value }));
  return out.ARN!;
}

// Values with every character that breaks a URL if it is not encoded.
const dbPassword = "p@ss:w/rd?#%&=+ é'\"";
const redisToken = "tok/en+with=chars!";
const zoho = {
  client_id: "1000.ABC",
  client_secret: "zoho-client-secret-value",
  organization_id: "60012345678",
  refresh_token: "1000.refresh-token-value",
};
const tokenKey = "k".repeat(40);
const secretValues = [dbPassword, redisToken, zoho.client_secret, zoho.refresh_token, tokenKey];

const arns = {
  zoho: await secret("zoho", JSON.stringify(zoho)),
  tokenKey: await secret("token-key", tokenKey),
  db: await secret("db", JSON.stringify({ username: "bill_mw_admin", password: dbPassword })),
  redis: await secret("redis", redisToken),
};

/** What the stack gives the Lambda, minus the secret values (plain settings as in the stack). */
const lambdaEnv = {
  ENVIRONMENT: "staging",
  AWS_REGION: "us-east-1",
  INCOMING_BUCKET: "bill-mw-staging-incoming",
  PROCESSED_BUCKET: "bill-mw-staging-processed",
  QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/bill-mw-staging-bills",
  DLQ_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/bill-mw-staging-bills-dlq",
  ZOHO_OAUTH_SECRET_ID: arns.zoho,
  TOKEN_ENCRYPTION_KEY_SECRET_ID: arns.tokenKey,
  DATABASE_SECRET_ID: arns.db,
  DATABASE_HOST: "bill-mw-staging-postgres.abc.us-east-1.rds.amazonaws.com",
  DATABASE_NAME: "bills",
  REDIS_AUTH_SECRET_ID: arns.redis,
  REDIS_HOST: "master.bill-mw-staging-redis.abc.use1.cache.amazonaws.com",
};

/** Captures everything written to stdout/stderr while fn runs. */
async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown; output: string }> {
  const chunks: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const grab = ((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = grab;
  process.stderr.write = grab;
  try {
    return { result: await fn(), output: chunks.join("") };
  } catch (error) {
    return { error, output: chunks.join("") };
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
}

t.test("the Lambda's secret ids become the settings loadWorkerConfig reads", async (t) => {
  t.same(
    Object.values(SECRET_ENV_INPUTS)
      .flat()
      .filter((k) => !(k in lambdaEnv)),
    [],
    "the fixture uses every input",
  );
  const { result: env, output } = await captureOutput(() => resolveSecretEnv(client, lambdaEnv));
  t.equal(output, "", "nothing printed");
  const config = loadWorkerConfig(env);
  t.equal(config.ZOHO_CLIENT_ID, zoho.client_id);
  t.equal(config.ZOHO_CLIENT_SECRET, zoho.client_secret);
  t.equal(config.ZOHO_ORGANIZATION_ID, zoho.organization_id);
  t.equal(config.ZOHO_REFRESH_TOKEN, zoho.refresh_token);
  t.equal(config.TOKEN_ENCRYPTION_KEY, tokenKey);

  // DATABASE_URL as slonik reads it: WHATWG URL, decodeURIComponent on user and password.
  const db = new URL(config.DATABASE_URL);
  t.equal(db.protocol, "postgres:");
  t.equal(decodeURIComponent(db.username), "bill_mw_admin");
  t.equal(decodeURIComponent(db.password), dbPassword, "special characters survive the URL");
  t.equal(db.hostname, lambdaEnv.DATABASE_HOST);
  t.equal(db.port, "5432");
  t.equal(db.pathname, "/bills");
  t.same(Object.fromEntries(db.searchParams), { sslmode: "require" }, "TLS required (RDS forces it)");

  // REDIS_URL as ioredis reads it: TLS on, AUTH token decoded.
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true });
  t.teardown(() => redis.disconnect());
  t.equal(redis.options.password, redisToken);
  t.equal(redis.options.host, lambdaEnv.REDIS_HOST);
  t.equal(redis.options.port, 6379);
  t.ok(redis.options.tls, "rediss:// turns TLS on");
});

t.test("refresh_token is optional; without secret ids the environment passes through", async (t) => {
  const { refresh_token: _, ...noRefresh } = zoho;
  const zohoArn = await secret("zoho-no-refresh", JSON.stringify(noRefresh));
  const env = await resolveSecretEnv(client, { ZOHO_OAUTH_SECRET_ID: zohoArn });
  t.equal(env.ZOHO_CLIENT_ID, zoho.client_id);
  t.notOk("ZOHO_REFRESH_TOKEN" in env);

  const local = { DATABASE_URL: "postgres://postgres@127.0.0.1:55432/bills", REDIS_URL: "redis://127.0.0.1:56379" };
  const failing = { send: async () => Promise.reject(new Error("must not be called")) };
  t.same(await resolveSecretEnv(failing, local), local);
});

t.test("failures name the variable and the secret id, never a value, and print nothing", async (t) => {
  // A plain string where JSON belongs: V8's JSON.parse message would quote it.
  const notJson = await secret("not-json", dbPassword);
  const array = await secret("array", JSON.stringify([dbPassword]));
  const noPassword = await secret("no-password", JSON.stringify({ username: "u", pass: dbPassword }));
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      "missing secret",
      { ...lambdaEnv, DATABASE_SECRET_ID: "secret-env-nope" },
      /^DATABASE_SECRET_ID: .*secret-env-nope/,
    ],
    ["not JSON", { ...lambdaEnv, DATABASE_SECRET_ID: notJson }, /is not valid JSON/],
    ["JSON but not an object", { ...lambdaEnv, DATABASE_SECRET_ID: array }, /is not a JSON object/],
    ["a field missing", { ...lambdaEnv, DATABASE_SECRET_ID: noPassword }, /lacks "password"/],
    [
      "zoho field missing",
      { ...lambdaEnv, ZOHO_OAUTH_SECRET_ID: noPassword },
      /^ZOHO_OAUTH_SECRET_ID: .*lacks "client_id"/,
    ],
    ["host missing", { ...lambdaEnv, REDIS_HOST: "" }, /^REDIS_HOST: is required/],
  ];
  for (const [name, env, message] of cases) {
    const { error, output } = await captureOutput(() => resolveSecretEnv(client, env));
    t.type(error, SecretEnvError, name);
    t.match((error as Error).message, message, name);
    t.equal(output, "", `${name}: nothing printed`);
    const everything = `${(error as Error).message} ${(error as Error).stack} ${JSON.stringify(error)}`;
    for (const v of secretValues) t.notOk(everything.includes(v), `${name}: no secret value in the error`);
  }
});
