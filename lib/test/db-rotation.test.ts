/**
 * Credentials that survive a rotation (lib/db.ts RefreshablePassword, lib/secret-env.ts
 * databasePasswordReader): the role's password changes mid-test and the secret follows; a pool
 * given the reader re-reads the secret when the server refuses the old password (SQLSTATE 28P01)
 * and its next query succeeds, while a pool without it keeps failing. Runs on a cluster of its own
 * that checks passwords (lib/testing/chaos-postgres.ts); the shared test cluster trusts everyone.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import pg from "pg";
import t from "tap";
import { createDb, sql } from "../db.ts";
import { scramVerifier } from "../db-roles.ts";
import { databasePasswordReader } from "../secret-env.ts";
import { APP_USER, ChaosPostgres } from "../testing/chaos-postgres.ts";
import { freePort } from "../testing/free-port.ts";

const dir = tmpdir();
const run = randomUUID().slice(0, 8);
const cluster = new ChaosPostgres(
  await freePort(),
  join(dir, `rotation-${run}.log`),
  process.env,
  join(dir, `rotation-${run}.pw`),
);
await cluster.init();
t.teardown(() => cluster.destroy());

const secrets = new SecretsManagerClient({ region: process.env.AWS_REGION ?? "us-east-1" });
t.teardown(() => secrets.destroy());

const admin = new pg.Client({ connectionString: cluster.url() });
await admin.connect();
t.teardown(() => admin.end());

const oldPassword = readFileSync(cluster.passwordFile, "utf8").trim();
const secretValue = (password: string) => JSON.stringify({ username: APP_USER, password });
const { ARN: secretId } = await secrets.send(
  new CreateSecretCommand({ Name: `db-rotation-${run}`, SecretString: secretValue(oldPassword) }),
);
const url = `postgres://${APP_USER}:${encodeURIComponent(oldPassword)}@127.0.0.1:${cluster.port}/bills`;

/** What a rotation does: a new password on the role and in the secret; open sessions are cut. */
async function rotate(): Promise<void> {
  const password = randomBytes(18).toString("base64url");
  await admin.query(`ALTER ROLE ${APP_USER} PASSWORD '${scramVerifier(password)}'`);
  await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: secretValue(password) }));
  await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [APP_USER]);
  await new Promise((r) => setTimeout(r, 200)); // the pools see their sessions end
}

t.test("a refused password is re-read from the secret and the query goes through", async (t) => {
  let reads = 0;
  const reader = databasePasswordReader(secrets, secretId as string);
  const rotating = await createDb({ DATABASE_URL: url, DATABASE_POOL_SIZE: 2 }, () => {
    reads++;
    return reader();
  });
  const fixed = await createDb({ DATABASE_URL: url, DATABASE_POOL_SIZE: 2 });
  t.teardown(() => Promise.all([rotating.end(), fixed.end()]));
  const whoAmI = sql.unsafe`SELECT current_user AS u`;
  t.equal(await rotating.oneFirst(whoAmI), APP_USER);
  t.equal(await fixed.oneFirst(whoAmI), APP_USER);
  t.equal(reads, 0, "the URL's password serves until it is refused");

  await rotate();
  t.equal(await rotating.oneFirst(whoAmI), APP_USER, "the pool with the reader reconnects");
  t.equal(reads, 1, "the secret was read once");
  await t.rejects(fixed.oneFirst(whoAmI), { cause: { code: "28P01" } }, "the pool without it cannot log in (28P01)");

  await rotate();
  t.equal(await rotating.oneFirst(whoAmI), APP_USER, "and again after a second rotation");
  t.equal(reads, 2);
});
