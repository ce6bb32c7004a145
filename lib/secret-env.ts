/**
 * Secrets named in the environment, resolved into the plain settings lib/config.ts reads. The
 * burst Lambda gets only secret ids and hosts (infra/src/stacks/app-settings.ts); at
 * cold start this turns them into DATABASE_URL, REDIS_URL, ZOHO_* and TOKEN_ENCRYPTION_KEY, the
 * same values the instances' pre-start script writes (infra/src/constructs/user-data.ts).
 *
 * It only rewrites variables: loadWorkerConfig still validates the result. Values never reach a
 * log or an error message; errors name the variable and the secret id (an ARN, not a secret).
 */
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import type { Env } from "./config.ts";

/**
 * Every input variable, grouped by the secret that feeds it. Each group is resolved only when its
 * *_SECRET_ID is set, so a local run with plain DATABASE_URL etc. passes through untouched.
 * The stack gives the Lambda exactly these (infra/test checks it).
 */
export const SECRET_ENV_INPUTS = {
  /** JSON {client_id, client_secret, organization_id, refresh_token?} -> ZOHO_* */
  zoho: ["ZOHO_OAUTH_SECRET_ID"],
  /** Plain string (>= 32 chars) -> TOKEN_ENCRYPTION_KEY */
  tokenKey: ["TOKEN_ENCRYPTION_KEY_SECRET_ID"],
  /** JSON {username, password} (RDS-managed master secret) + host and database -> DATABASE_URL */
  database: ["DATABASE_SECRET_ID", "DATABASE_HOST", "DATABASE_NAME"],
  /** Plain AUTH token + host -> REDIS_URL (rediss://, TLS) */
  redis: ["REDIS_AUTH_SECRET_ID", "REDIS_HOST"],
} as const;

export const DATABASE_PORT = 5432;
export const REDIS_PORT = 6379;

/** The Secrets Manager call this needs (the real client, or any stand-in with `send`). */
export interface SecretsSender {
  send(command: GetSecretValueCommand): Promise<{ SecretString?: string }>;
}

export class SecretEnvError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = "SecretEnvError";
    this.variable = variable;
  }
}

async function fetchSecret(client: SecretsSender, variable: string, secretId: string): Promise<string> {
  let value: string | undefined;
  try {
    value = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (err) {
    // SDK errors carry the id and the AWS error name, never the value.
    throw new SecretEnvError(variable, `cannot read secret ${secretId} (${(err as Error).name})`);
  }
  if (!value) throw new SecretEnvError(variable, `secret ${secretId} has no string value`);
  return value;
}

/** Parses a JSON secret; JSON.parse errors quote the input, so they are replaced. */
function parseJsonSecret(variable: string, secretId: string, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SecretEnvError(variable, `secret ${secretId} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new SecretEnvError(variable, `secret ${secretId} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function field(variable: string, secretId: string, json: Record<string, unknown>, name: string): string {
  const v = json[name];
  if (typeof v !== "string" || v === "") throw new SecretEnvError(variable, `secret ${secretId} lacks "${name}"`);
  return v;
}

function required(env: Env, variable: string): string {
  const v = env[variable];
  if (!v) throw new SecretEnvError(variable, "is required when its secret id is set");
  return v;
}

/**
 * Returns a copy of `env` with the secrets resolved (fetched in parallel). The *_SECRET_ID
 * variables stay in the result; loadWorkerConfig ignores them. Reads process.env only as the
 * default input, which it never interprets beyond these names: lib/config.ts still parses it all.
 */
export async function resolveSecretEnv(client: SecretsSender, env: Env = process.env): Promise<Env> {
  const out: Env = { ...env };
  const tasks: Promise<void>[] = [];

  const zohoId = env.ZOHO_OAUTH_SECRET_ID;
  if (zohoId) {
    tasks.push(
      fetchSecret(client, "ZOHO_OAUTH_SECRET_ID", zohoId).then((text) => {
        const json = parseJsonSecret("ZOHO_OAUTH_SECRET_ID", zohoId, text);
        const get = (name: string) => field("ZOHO_OAUTH_SECRET_ID", zohoId, json, name);
        out.ZOHO_CLIENT_ID = get("client_id");
        out.ZOHO_CLIENT_SECRET = get("client_secret");
        out.ZOHO_ORGANIZATION_ID = get("organization_id");
        // Only seeds zoho_tokens on first start; afterwards the encrypted row is the source of truth.
        if (typeof json.refresh_token === "string" && json.refresh_token) out.ZOHO_REFRESH_TOKEN = json.refresh_token;
      }),
    );
  }

  const tokenKeyId = env.TOKEN_ENCRYPTION_KEY_SECRET_ID;
  if (tokenKeyId) {
    tasks.push(
      fetchSecret(client, "TOKEN_ENCRYPTION_KEY_SECRET_ID", tokenKeyId).then((text) => {
        out.TOKEN_ENCRYPTION_KEY = text;
      }),
    );
  }

  const dbId = env.DATABASE_SECRET_ID;
  if (dbId) {
    const host = required(env, "DATABASE_HOST");
    const database = required(env, "DATABASE_NAME");
    tasks.push(
      fetchSecret(client, "DATABASE_SECRET_ID", dbId).then((text) => {
        const json = parseJsonSecret("DATABASE_SECRET_ID", dbId, text);
        const user = encodeURIComponent(field("DATABASE_SECRET_ID", dbId, json, "username"));
        const password = encodeURIComponent(field("DATABASE_SECRET_ID", dbId, json, "password"));
        // sslmode=require: slonik verifies the server certificate (RDS CA via NODE_EXTRA_CA_CERTS).
        out.DATABASE_URL = `postgres://${user}:${password}@${host}:${DATABASE_PORT}/${encodeURIComponent(database)}?sslmode=require`;
      }),
    );
  }

  const redisId = env.REDIS_AUTH_SECRET_ID;
  if (redisId) {
    const host = required(env, "REDIS_HOST");
    tasks.push(
      fetchSecret(client, "REDIS_AUTH_SECRET_ID", redisId).then((token) => {
        out.REDIS_URL = `rediss://:${encodeURIComponent(token)}@${host}:${REDIS_PORT}`;
      }),
    );
  }

  await Promise.all(tasks);
  return out;
}

/**
 * Re-reads the database password from its secret ({username, password}); createDb calls it when
 * the server refuses the current one (SQLSTATE 28P01 after a rotation). Errors name the secret id only.
 */
export function databasePasswordReader(client: SecretsSender, secretId: string): () => Promise<string> {
  return async () => {
    const json = parseJsonSecret(
      "DATABASE_SECRET_ID",
      secretId,
      await fetchSecret(client, "DATABASE_SECRET_ID", secretId),
    );
    return field("DATABASE_SECRET_ID", secretId, json, "password");
  };
}
