/**
 * The burst Lambda's environment is exactly what lib/secret-env.ts resolves: each secret id names
 * a secret the function may read, and resolving the synthesized environment (secrets on moto)
 * gives a configuration loadWorkerConfig accepts.
 */
import { randomUUID } from "node:crypto";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import t from "tap";
import { loadWorkerConfig } from "../../../lib/config.ts";
import { resolveSecretEnv, SECRET_ENV_INPUTS } from "../../../lib/secret-env.ts";
import { allEnvironments, type Json, parse, refName, resource, resources, synth } from "../helpers.ts";

const client = new SecretsManagerClient({ region: process.env.AWS_REGION ?? "us-east-1" });
t.teardown(() => client.destroy());

const inputs: string[] = Object.values(SECRET_ENV_INPUTS).flat();
const secretIds = inputs.filter((k) => k.endsWith("_SECRET_ID"));

for (const config of allEnvironments) {
  const s = synth(config);
  const fn = resource(s, "aws_lambda_function", "burst_consumer_function");
  const env = (fn.environment as { variables: Record<string, string> }).variables;
  const secretNames = new Map(resources(s, "aws_secretsmanager_secret").map(([n, p]) => [n, String(p.name)]));

  t.test(`${config.name}: the Lambda gets exactly the resolver's inputs, plus plain settings`, async (t) => {
    const named = Object.keys(env).filter((k) => k.endsWith("_SECRET_ID"));
    t.same(named.sort(), [...secretIds].sort(), "every secret id the resolver reads, no other");
    for (const k of inputs) t.ok(env[k], `${k} is set`);
    t.notOk(
      Object.keys(env).some((k) =>
        /^(DATABASE_URL|REDIS_URL|TOKEN_ENCRYPTION_KEY|ZOHO_CLIENT_SECRET|ZOHO_REFRESH_TOKEN)$/.test(k),
      ),
      "no secret value is copied into the environment",
    );
    t.equal(secretNames.get(refName(env.ZOHO_OAUTH_SECRET_ID)), `bill-mw-${config.name}/zoho-oauth`);
    t.equal(
      secretNames.get(refName(env.TOKEN_ENCRYPTION_KEY_SECRET_ID)),
      `bill-mw-${config.name}/token-encryption-key`,
    );
    t.equal(secretNames.get(refName(env.REDIS_AUTH_SECRET_ID)), `bill-mw-${config.name}/redis-auth`);
    t.equal(
      secretNames.get(refName(env.DATABASE_SECRET_ID)),
      `bill-mw-${config.name}/db-delivery`,
      "the delivery login, not the master",
    );
    t.notOk(env.API_KEYS_SECRET_ID, "no service settings");
    t.equal(env.NODE_EXTRA_CA_CERTS, "/var/runtime/ca-cert.pem", "Node 20+ Lambda runtimes need it for RDS's CA");
  });

  t.test(`${config.name}: the Lambda may read those secrets and not the admin or API keys`, async (t) => {
    const role = resources(s, "aws_iam_role_policy").find(([n]) => n.startsWith("burst_consumer_policy"))![1];
    const statements = parse(role.policy).Statement as Json[];
    const readable = statements
      .filter((st) => [st.Action].flat().includes("secretsmanager:GetSecretValue"))
      .flatMap((st) => [st.Resource].flat().map(String));
    for (const k of secretIds) t.ok(readable.includes(env[k]!), `${k} is readable`);
    const adminArn = [...secretNames].find(([, n]) => n.endsWith("/admin-api-keys"))![0];
    t.notOk(
      readable.some((r) => r.includes(adminArn)),
      "the admin keys stay with the service",
    );
    const apiKeysArn = [...secretNames].find(([, n]) => n.endsWith("/api-keys"))![0];
    t.notOk(
      readable.some((r) => r.includes(apiKeysArn)),
      "so do the API keys",
    );
    t.same(readable.sort(), secretIds.map((k) => env[k]!).sort(), "exactly the secrets it resolves");
  });

  t.test(`${config.name}: the synthesized environment resolves into a valid worker configuration`, async (t) => {
    // Stand-ins for Terraform's references: real secrets on moto in the shapes operators and RDS store.
    const run = randomUUID().slice(0, 8);
    const put = async (name: string, value: string) =>
      (await client.send(new CreateSecretCommand({ Name: `burst-env-${run}/${name}`, SecretString: value }))).ARN!;
    const concrete: Record<string, string> = {
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{[^}]+\}/g, "x")])),
      QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/bills",
      DLQ_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/bills-dlq",
      PUBLIC_BASE_URL: "https://bills.example.com",
      DATABASE_HOST: "db.example.internal",
      REDIS_HOST: "redis.example.internal",
      ZOHO_OAUTH_SECRET_ID: await put(
        "zoho",
        JSON.stringify({ client_id: "1000.X", client_secret: "s", organization_id: "123", refresh_token: "r" }),
      ),
      TOKEN_ENCRYPTION_KEY_SECRET_ID: await put("token-key", "t".repeat(64)),
      DATABASE_SECRET_ID: await put("db", JSON.stringify({ username: "bill_mw_admin", password: "p/w@" })),
      REDIS_AUTH_SECRET_ID: await put("redis", "r".repeat(64)),
    };
    const cfg = loadWorkerConfig(await resolveSecretEnv(client, concrete));
    t.match(cfg.DATABASE_URL, /^postgres:\/\/bill_mw_admin:p%2Fw%40@db\.example\.internal:5432\/.+\?sslmode=require$/);
    t.match(cfg.REDIS_URL, /^rediss:\/\/:r{64}@redis\.example\.internal:6379$/);
    t.equal(cfg.TOKEN_ENCRYPTION_KEY.length, 64);
    t.equal(cfg.ENVIRONMENT, config.name);
    t.equal(cfg.WORKER_MAX_RECEIVES, config.maxReceiveCount);
  });
}
