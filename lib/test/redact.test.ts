/**
 * Redaction (lib/redact.ts) in logs and the audit log: x-admin-key and other secrets under any key
 * at any depth, and secrets inside raw text such as a non-JSON OAuth answer, never come out.
 */
import { Writable } from "node:stream";
import pg from "pg";
import t from "tap";
import { writeAuditLog } from "../audit.ts";
import { createDb } from "../db.ts";
import { createLogger } from "../logger.ts";
import { scrubText } from "../redact.ts";
import { setupTestEnv } from "../testing/harness.ts";

const SECRETS = {
  adminKey: "admin-key-5f0e1d2c3b4a59687766554433221100",
  apiKey: "api-key-00112233445566778899aabbccddeeff",
  access: "1000.0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210",
  refresh: "1000.aaaabbbbccccddddeeeeffff00001111.22223333444455556666777788889999",
  clientSecret: "zoho-client-secret-7d3c9a",
  code: "1000.authcode.9f8e7d6c",
  password: "p@ssw0rd-db-9931",
};

/** Secrets in every place the issue names: headers outside req, deep keys, raw text bodies. */
const hostile = {
  headers: { "x-admin-key": SECRETS.adminKey, "content-type": "application/json" },
  call: { request: { deeper: { still: { "X-Api-Key": SECRETS.apiKey, apiKeyName: "netsuite-prod" } } } },
  oauth: {
    status: 400,
    body: `access_token=${SECRETS.access}&refresh_token=${SECRETS.refresh}&client_secret=${SECRETS.clientSecret}`,
  },
  html: `<html><body>code=${SECRETS.code} failed for Zoho-oauthtoken ${SECRETS.access}</body></html>`,
  jsonText: `{"refresh_token": "${SECRETS.refresh}", "password": "${SECRETS.password}"}`,
  list: [{ Authorization: `Bearer ${SECRETS.access}` }],
};

function leaked(text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, v]) => text.includes(v))
    .map(([k]) => k);
}

t.test("log lines censor secrets at any depth and inside text", async (t) => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ LOG_LEVEL: "info", ENVIRONMENT: "test" }, "test", sink);
  log.info(hostile, "zoho answered");
  log.warn({ req: { headers: { "x-admin-key": SECRETS.adminKey } } }, "admin call");
  const out = lines.join("\n");
  t.same(leaked(out), [], "no secret in the log");
  t.match(out, /"apiKeyName":"netsuite-prod"/, "names that are not secrets stay");
  t.match(out, /access_token=\[REDACTED\]/, "the form body keeps its field names");
  t.match(out, /"content-type":"application\/json"/, "other headers stay");
});

t.test("audit-log rows censor secrets at any depth and inside raw bodies", async (t) => {
  const env = await setupTestEnv(t);
  const db = await createDb({ DATABASE_URL: env.databaseUrl, DATABASE_POOL_SIZE: 1 });
  t.teardown(() => db.end());
  await writeAuditLog(db, {
    transactionId: null,
    operation: "oauth.refresh",
    method: "POST",
    url: `https://accounts.zoho.com/oauth/v2/token?refresh_token=${SECRETS.refresh}&grant_type=refresh_token`,
    statusCode: 400,
    zohoCode: null,
    durationMs: 12,
    request: hostile,
    response: hostile.oauth.body,
    error: `invalid_client: ${hostile.html}`,
  });
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const { rows } = await client.query("SELECT url, request::text, response::text, error FROM api_audit_logs");
  const text = JSON.stringify(rows);
  t.same(leaked(text), [], "no secret in the row");
  t.match(rows[0].url, /grant_type=refresh_token/, "the rest of the URL stays");
});

t.test("scrubText leaves ordinary text alone", async (t) => {
  const plain = "bill INV-1001 (vendor 4815, code 1002: invalid) errorcode=5";
  t.equal(scrubText(plain), plain);
  t.equal(scrubText(`token=x&code=${SECRETS.code}`), "token=x&code=[REDACTED]");
});
