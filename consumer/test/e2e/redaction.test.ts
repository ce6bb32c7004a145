/**
 * Secrets redaction end to end: bills go service -> S3/Postgres/SQS -> worker -> Zoho simulator
 * with a known API key, Zoho client secret, refresh token, the access tokens the simulator mints,
 * and PDF bytes carrying a marker. Every log line of the service and the worker (pino destinations,
 * level trace), every api_audit_logs row and every transactions row is read back, and none may hold
 * any of those secrets, the base64 PDF or a long piece of it, or the PDF's own text.
 * The run covers a normal delivery, a revoked access token (Zoho 401, refresh, retry) and a bill
 * Zoho rejects (unknown vendor), so success, refresh and error paths all log.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import t, { type Test } from "tap";
import { z } from "zod";
import { loadWorkerConfig } from "../../../lib/config.ts";
import { sql } from "../../../lib/db.ts";
import { createLogger } from "../../../lib/logger.ts";
import { API_KEY, build } from "../../../service/test/helper.ts";
import { startWorker } from "../../src/worker.ts";
import { ACME, setupConsumerEnv, waitFor } from "../helper.ts";

const CLIENT_ID = `1000.REDACT${randomBytes(4).toString("hex").toUpperCase()}`;
const CLIENT_SECRET = `client-secret-${randomUUID()}`;
const REFRESH_TOKEN = `1000.refresh-${randomBytes(16).toString("hex")}`;
const PDF_MARKER = `PDF-BODY-MARKER-${randomUUID()}`;

function lineSink(lines: string[]): Writable {
  return new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      cb();
    },
  });
}

/** A PDF whose bytes carry a text marker, padded with random bytes so its base64 is unique. */
function markedPdf(): Buffer {
  return Buffer.concat([Buffer.from(`%PDF-1.7\n% ${PDF_MARKER}\n`), randomBytes(6000), Buffer.from("\n%%EOF\n")]);
}

const e = await setupConsumerEnv(t, {
  env: {
    ZOHO_CLIENT_ID: CLIENT_ID,
    ZOHO_CLIENT_SECRET: CLIENT_SECRET,
    ZOHO_REFRESH_TOKEN: REFRESH_TOKEN,
    ZOHO_RATE_LIMIT_PER_MINUTE: "500",
  },
  sim: {
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    refreshTokens: [{ token: REFRESH_TOKEN, clientId: CLIENT_ID }],
    limits: { perWindow: 1000 },
  },
});

/** Access tokens the simulator has minted and still holds (read from its token store). */
const mintedTokens = (): string[] => [
  ...(e.sim.state.tokens as unknown as { access: Map<string, unknown> }).access.keys(),
];

/** The service listening on a free port and the worker in-process, both logging at trace into arrays. */
async function startStack(t: Test) {
  const workerLogs: string[] = [];
  const service = await build(t, { LOG_LEVEL: "trace" }, { env: e, captureLogs: true });
  await service.app.listen({ host: "127.0.0.1", port: 0 });
  const base = `http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}`;
  const worker = await startWorker(
    loadWorkerConfig({ ...e.env, LOG_LEVEL: "trace" }),
    createLogger({ LOG_LEVEL: "trace", ENVIRONMENT: "test" }, "bill-worker", lineSink(workerLogs)),
  );
  t.teardown(() => worker.stop());
  return { base, service, worker, workerLogs };
}

/** POSTs a marked PDF for the vendor (kept in `pdfs`); resolves with the transaction id. */
async function send(t: Test, base: string, vendorId: string, pdfs: Buffer[]): Promise<string> {
  const bytes = markedPdf();
  pdfs.push(bytes);
  const netsuiteBillId = `RED-${randomBytes(4).toString("hex")}`;
  const res = await fetch(`${base}/api/v1/bills`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": API_KEY, authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({
      netsuiteBillId,
      fileName: `${netsuiteBillId}.pdf`,
      mimeType: "application/pdf",
      base64Data: bytes.toString("base64"),
      billDetails: { vendorId, billNumber: `B-${netsuiteBillId}`, date: "2026-11-20", total: 10 },
    }),
  });
  t.equal(res.status, 202, `bill ${netsuiteBillId} accepted`);
  return ((await res.json()) as { transactionId: string }).transactionId;
}

const settled = (base: string, id: string, want: readonly string[]) =>
  waitFor(
    `${id} settled`,
    async () => {
      const res = await fetch(`${base}/api/v1/transactions/${id}`, { headers: { "x-api-key": API_KEY } });
      const status = ((await res.json()) as { status: string }).status;
      return want.includes(status) && status;
    },
    40_000,
    200,
  );

/** Every secret and every recognisable piece of one, named for the failure message. */
function secretsOf(tokens: ReadonlySet<string>, pdfs: readonly Buffer[]): [string, string][] {
  const secrets: [string, string][] = [
    ["the API key", API_KEY],
    ["the Zoho client secret", CLIENT_SECRET],
    ["the Zoho refresh token", REFRESH_TOKEN],
    ["the refresh token's random part", REFRESH_TOKEN.slice(13)],
    ["the PDF's text", PDF_MARKER],
  ];
  for (const tok of tokens)
    secrets.push([`the access token ${tok.slice(0, 9)}…`, tok], ["its last part", tok.slice(-16)]);
  for (const [i, bytes] of pdfs.entries()) {
    const b64 = bytes.toString("base64");
    secrets.push(
      [`PDF ${i + 1} as base64`, b64],
      [`the first 64 base64 characters of PDF ${i + 1}`, b64.slice(0, 64)],
      [`64 base64 characters from the middle of PDF ${i + 1}`, b64.slice(4000, 4064)],
      [`the last 64 base64 characters of PDF ${i + 1}`, b64.slice(-64)],
    );
  }
  return secrets;
}

const rowsAsJson = async () => ({
  auditRows: await e.db.anyFirst(
    sql.type(z.object({ j: z.string() }))`SELECT row_to_json(l)::text AS j FROM api_audit_logs l`,
  ),
  txRows: await e.db.anyFirst(
    sql.type(z.object({ j: z.string() }))`SELECT row_to_json(x)::text AS j FROM transactions x`,
  ),
});

t.test(
  "no key, token, client secret or PDF data reaches a log line, the audit table or the transactions row",
  async (t) => {
    const serviceLogs: string[] = [];
    const { base, service, worker, workerLogs } = await startStack(t);
    const pdfs: Buffer[] = [];

    const first = await send(t, base, ACME, pdfs);
    t.equal(await settled(base, first, ["success"]), "success", "a normal delivery");
    const tokens = new Set(mintedTokens());
    e.sim.state.applyFaults({ revokeAccessTokens: true });
    const second = await send(t, base, ACME, pdfs);
    t.equal(await settled(base, second, ["success"]), "success", "delivered after the access token was revoked");
    for (const tok of mintedTokens()) tokens.add(tok);
    const third = await send(t, base, "460000000009999", pdfs);
    t.ok(await settled(base, third, ["failed"]), "a bill Zoho rejects (unknown vendor) fails with a reason");
    await worker.stop();
    serviceLogs.push(...service.logs);

    t.ok(tokens.size >= 2, `${tokens.size} access tokens minted (one before and one after the revocation)`);
    const { auditRows, txRows } = await rowsAsJson();
    t.ok(serviceLogs.length >= 6, `${serviceLogs.length} service log lines`);
    t.ok(workerLogs.length >= 6, `${workerLogs.length} worker log lines`);
    t.ok(auditRows.length >= 4, `${auditRows.length} audit rows`);
    t.ok(
      auditRows.some((r) => r.includes("oauth")),
      "the token refreshes are audited",
    );
    t.equal(txRows.length, 3, "three transactions rows");
    t.ok(
      workerLogs.some((l) => /401|revoked|invalid.*token|refresh/i.test(l)),
      "the worker logged the token refresh",
    );
    t.comment(workerLogs.map((l) => JSON.parse(l).msg).join(" | "));

    const places: [string, readonly string[]][] = [
      ["service log", serviceLogs],
      ["worker log", workerLogs],
      ["api_audit_logs", auditRows],
      ["transactions", txRows],
    ];
    for (const [where, lines] of places) {
      for (const [what, value] of secretsOf(tokens, pdfs)) {
        const hit = lines.find((l) => l.includes(value));
        t.notOk(hit, `${what} is in no ${where} line${hit ? `: ${hit.slice(0, 300)}` : ""}`);
      }
    }
  },
);
