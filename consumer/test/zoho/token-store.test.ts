/**
 * Nothing secret reaches PostgreSQL's log: the token flows (seed, load, refresh bookkeeping) run on
 * the local cluster with log_min_duration_statement = 0, which prints every statement with its bind
 * parameters in full (log_parameter_max_length unset), and the server log is searched for the key
 * and the refresh token. A canary sent as a bind parameter proves the search sees bind values.
 */
import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import t from "tap";
import { createDb, sql } from "../../../lib/db.ts";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import {
  loadRefreshToken,
  recordRefreshFailure,
  recordRefreshSuccess,
  seedRefreshToken,
} from "../../src/zoho/token-store.ts";

const env = await setupTestEnv(t);
const admin = new pg.Client({ connectionString: env.databaseUrl });
await admin.connect();
t.teardown(() => admin.end());

/** The cluster's server log: pg_current_logfile() with the collector, else scripts/dev's PGDATA/server.log. */
async function serverLogPath(): Promise<string> {
  const collector = (await admin.query("SHOW logging_collector")).rows[0].logging_collector;
  const dataDir = (await admin.query("SHOW data_directory")).rows[0].data_directory as string;
  if (collector === "on") return join(dataDir, (await admin.query("SELECT pg_current_logfile() AS f")).rows[0].f);
  return join(dataDir, "server.log");
}

async function readFrom(path: string, offset: number): Promise<string> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const buf = Buffer.alloc(size - offset);
    await file.read(buf, 0, buf.length, offset);
    return buf.toString("utf8");
  } finally {
    await file.close();
  }
}

t.test("token flows leave neither the key nor the refresh token in the server log", async (t) => {
  const logPath = await serverLogPath();
  const start = (await open(logPath, "r").then(async (f) => (await f.stat().finally(() => f.close())).size)) as number;
  const dbName = new URL(env.databaseUrl).pathname.slice(1);
  await admin.query(`ALTER DATABASE "${dbName}" SET log_min_duration_statement = 0`);

  const key = `key-${randomBytes(24).toString("hex")}`;
  const refreshToken = `1000.${randomBytes(24).toString("hex")}.refresh`;
  const canary = `canary-${randomBytes(12).toString("hex")}`;
  const db = await createDb({ DATABASE_URL: env.databaseUrl, DATABASE_POOL_SIZE: 1, TOKEN_ENCRYPTION_KEY: key });
  t.teardown(() => db.end());

  t.equal(await seedRefreshToken(db, "600123", refreshToken, key), true, "seeded");
  t.equal(await seedRefreshToken(db, "600123", "another-token-value", key), false, "second seed is a no-op");
  t.equal(await loadRefreshToken(db, "600123"), refreshToken, "the token decrypts to what was seeded");
  await recordRefreshSuccess(db, "600123", new Date(Date.now() + 3_600_000), "https://www.zohoapis.com");
  await recordRefreshFailure(db, "600123", "invalid_code");
  await db.oneFirst(sql.unsafe`SELECT ${canary}::text AS c`);

  await admin.query(`ALTER DATABASE "${dbName}" RESET log_min_duration_statement`);
  // The ciphertext is what pgcrypto made under the key (this session does not log statements).
  const stored = await admin.query("SELECT pgp_sym_decrypt(refresh_token_enc, $1) AS t FROM zoho_tokens", [key]);
  t.equal(stored.rows[0].t, refreshToken);

  const log = await readFrom(logPath, start);
  t.match(log, canary, "bind values of this database's statements are in the log");
  t.match(log, /pgp_sym_decrypt\(refresh_token_enc/, "the token statements were logged");
  const hexKey = Buffer.from(key).toString("hex");
  for (const [what, secret] of [
    ["key", key],
    ["key (hex)", hexKey],
    ["refresh token", refreshToken],
    ["refresh token (hex)", Buffer.from(refreshToken).toString("hex")],
  ]) {
    t.notOk(log.includes(secret as string), `no ${what} in the server log`);
  }
});

t.test("a pool without the key cannot decrypt: the error names the setting, not a value", async (t) => {
  const db = await createDb({ DATABASE_URL: env.databaseUrl, DATABASE_POOL_SIZE: 1 });
  t.teardown(() => db.end());
  await t.rejects(loadRefreshToken(db, "600123"), /bill_mw\.token_key/);
});
