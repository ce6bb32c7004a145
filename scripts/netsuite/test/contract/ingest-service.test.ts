/**
 * Contract: what the SuiteScript client puts on the wire is accepted by the real ingest service
 * (service/src/app.ts on this file's own Postgres database, Redis prefix, bucket and queue), and the
 * service's real answers are understood by the client.
 *
 * N/https is synchronous and the service runs in this process, so each exchange has two halves:
 * the client code runs against the fake N modules until NetSuite would send (the fake resolves the
 * API Secret placeholders exactly as NetSuite does and captures the request), then that exact
 * request goes to the service through inject(), and the service's response is fed to the same
 * classify() the script uses.
 */
import { createHash } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import t from "tap";
import { loadServiceConfig } from "../../../../lib/config.ts";
import { setupTestEnv } from "../../../../lib/testing/harness.ts";
import { findByNetsuiteBillId, markDelivered } from "../../../../lib/transactions.ts";
import app from "../../../../service/src/app.ts";
import { serverOptions } from "../../../../service/src/server-options.ts";
import { classify } from "../../ts/core/ingest-client.ts";
import { sendBill } from "../../ts/core/send-bill.ts";
import { createStatusSync } from "../../ts/core/status-sync.ts";
import { fetchTransaction } from "../../ts/core/suitelet.ts";
import {
  API_KEY,
  CANDIDATE,
  CONFIG,
  eurAccount,
  fakeAccount,
  mapBudget,
  mrParameters,
  WEBHOOK_SECRET,
} from "../fakes/fixtures.ts";
import { pdfBytes, type SentRequest, SuiteScriptError } from "../fakes/n-modules.ts";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const API_KEYS = JSON.stringify([
  { name: "netsuite-contract", sha256: sha256(API_KEY), hmacSecrets: [WEBHOOK_SECRET] },
]);
const SIGNED = { ...CONFIG, signingSecretId: "custsecret_mw_signing", maxAttempts: 1 };

async function startService(t: { teardown(fn: () => unknown): void }): Promise<FastifyInstance> {
  const env = await setupTestEnv(t, { API_KEYS });
  // Load shedding off: a busy test machine must not turn the contract into 503s.
  const noShedding = { PRESSURE_MAX_EVENT_LOOP_DELAY_MS: "0", PRESSURE_MAX_EVENT_LOOP_UTILIZATION: "0" };
  const config = loadServiceConfig({ ...env.env, API_KEYS, ...noShedding });
  const instance = Fastify(serverOptions(config));
  await instance.register(fp(app), { config });
  await instance.ready();
  t.teardown(() => instance.close());
  return instance;
}

/** Runs the client's send path until the request is on the wire; returns that request. */
function captureBillRequest(fake: ReturnType<typeof fakeAccount>): SentRequest {
  fake.host.clock = Date.now(); // the service checks webhook-timestamp against its own clock
  fake.state.requests.length = 0;
  fake.state.responder = () => {
    throw new SuiteScriptError("CAPTURED", "request captured for the contract test");
  };
  sendBill({ n: fake.n, config: SIGNED, budget: mapBudget(fake), host: fake.host }, CANDIDATE);
  const request = fake.state.requests[0];
  if (!request) throw new Error("the client sent nothing");
  return request;
}

async function deliver(service: FastifyInstance, request: SentRequest) {
  const url = new URL(request.url);
  const response = await service.inject({
    method: request.method,
    url: url.pathname + url.search,
    headers: request.headers,
    ...(request.body === undefined ? {} : { payload: request.body }),
  });
  return { code: response.statusCode, body: response.body, headers: response.headers as Record<string, string> };
}

t.test("the service accepts the client's signed request (202), then answers a retry idempotently (200)", async (t) => {
  const service = await startService(t);
  const fake = fakeAccount();

  const first = captureBillRequest(fake);
  t.equal(first.headers["x-api-key"], API_KEY, "the API Secret was resolved on the wire");
  t.match(first.headers["webhook-signature"], /^v1,/);
  const r1 = await deliver(service, first);
  t.equal(r1.code, 202, r1.body);
  const v1 = classify(r1, Date.now());
  t.equal(v1.kind, "done");
  const transactionId = v1.kind === "done" ? v1.outcome.transactionId : undefined;
  t.match(v1, { outcome: { status: "SENT", httpStatus: 202 } });
  t.match(transactionId, /^[0-9a-f-]{36}$/);

  const second = captureBillRequest(fake);
  t.equal(second.body, first.body, "the same body is sent again");
  const r2 = await deliver(service, second);
  t.equal(r2.code, 200, r2.body);
  t.match(classify(r2, Date.now()), { kind: "done", outcome: { status: "SENT", httpStatus: 200, transactionId } });

  // The Suitelet's status call reads the same transaction: capture it, deliver it, replay the answer.
  fake.state.requests.length = 0;
  fake.state.responder = () => ({ code: 599 });
  fetchTransaction(fake.n, SIGNED, transactionId!, Date.now());
  const status = await deliver(service, fake.state.requests[0]!);
  fake.state.responder = () => status;
  const view = fetchTransaction(fake.n, SIGNED, transactionId!, Date.now());
  t.equal(view.httpStatus, 200, status.body);
  t.match(view.fields, { transactionId, netsuiteBillId: "101", status: /pending|processing|success|failed/ });
});

t.test("different bytes for the same bill are a 409 the client reports as a conflict", async (t) => {
  const service = await startService(t);
  const fake = fakeAccount();
  t.equal((await deliver(service, captureBillRequest(fake))).code, 202);

  fake.state.files["501"] = { name: "INV-1001.pdf", fileType: "PDF", size: 4096, bytes: pdfBytes(4096) };
  const r = await deliver(service, captureBillRequest(fake));
  t.equal(r.code, 409, r.body);
  t.match(classify(r, Date.now()), { kind: "done", outcome: { status: "CONFLICT", httpStatus: 409 } });
});

t.test("the bill's expense lines, tax and EUR are accepted; lines off the total are REJECTED naming it", async (t) => {
  const service = await startService(t);
  const fake = eurAccount();
  const r = await deliver(service, captureBillRequest(fake));
  t.equal(r.code, 202, r.body);
  const sent = JSON.parse(fake.state.requests[0]!.body!).billDetails;
  t.match(sent, { currencyCode: "EUR", total: 1487.5, taxTotal: 237.5, expenseLines: { length: 3 } });

  // The record now says 1,490.00 for lines worth 1,487.50: refused before anything is looked up or stored.
  fake.state.bills[0]!.record = { ...fake.state.bills[0]!.record, body: { usertotal: 1490, currencysymbol: "EUR" } };
  const rejected = await deliver(service, captureBillRequest(fake));
  t.equal(rejected.code, 400, rejected.body);
  const verdict = classify(rejected, Date.now());
  t.match(verdict, { kind: "done", outcome: { status: "REJECTED", httpStatus: 400 } });
  t.match(verdict.kind === "done" ? verdict.outcome.message : "", /billDetails\.total: is 1490\.00 EUR/);
});

t.test("a wrong API key is a 401 the client leaves for the next run", async (t) => {
  const service = await startService(t);
  const fake = fakeAccount();
  fake.state.secrets.custsecret_mw_api_key = "not-the-key-0000000000000000";
  const r = await deliver(service, captureBillRequest(fake));
  t.equal(r.code, 401, r.body);
  t.match(classify(r, Date.now()), { kind: "done", outcome: { status: "RETRY", httpStatus: 401 } });
});

t.test(
  "the status script's signed batch call is answered by the service and its outcome lands on the bills",
  async (t) => {
    const service = await startService(t);
    const fake = eurAccount({
      parameters: mrParameters("custscript_mw_ss_", { custscript_mw_ss_signing_secret: "custsecret_mw_signing" }),
    });
    t.equal((await deliver(service, captureBillRequest(fake))).code, 202);
    const row = (await findByNetsuiteBillId(service.db, "101"))!;
    await markDelivered(service.db, row.id, "460000000054321", null);
    fake.state.bills[0]!.fields = { custbody_mw_status: "SENT", custbody_mw_txn_id: row.id };
    fake.state.bills.push({ id: "102", fileIds: [], fields: { custbody_mw_status: "SENT", custbody_mw_txn_id: "t" } });

    // First run: capture the status call as it goes on the wire, signed with the API Secret.
    const sync = createStatusSync(fake.n, fake.host);
    fake.host.clock = Date.now();
    fake.state.requests.length = 0;
    fake.state.remainingUsage = 10_000;
    fake.state.responder = () => {
      throw new SuiteScriptError("CAPTURED", "request captured for the contract test");
    };
    sync.execute();
    const call = fake.state.requests[0]!;
    t.same(JSON.parse(call.body!), { netsuiteBillIds: ["101", "102"] });
    t.match(call.headers["webhook-signature"], /^v1,/);
    const answer = await deliver(service, call);
    t.equal(answer.code, 200, answer.body);

    // Second run: the service's real answer goes back to the script.
    fake.state.responder = () => answer;
    fake.state.remainingUsage = 10_000;
    const report = sync.execute();
    t.match(report, { calls: 1, delivered: 1, notFound: 1, stopped: null });
    t.match(fake.state.bills[0]!.fields, {
      custbody_mw_status: "DELIVERED",
      custbody_mw_zoho_bill_id: "460000000054321",
      custbody_mw_error: "",
    });
  },
);
