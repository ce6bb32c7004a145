import t from "tap";
import type { ClientConfig } from "../../ts/core/config.ts";
import { classify, retryAfterMs } from "../../ts/core/ingest-client.ts";
import { sendBill } from "../../ts/core/send-bill.ts";
import { accepted, CANDIDATE, CONFIG, fakeAccount, mapBudget } from "../fakes/fixtures.ts";
import { type FakeResponse, pdfBytes, SuiteScriptError } from "../fakes/n-modules.ts";

/** Answers in order; the last one repeats. A thrown SuiteScriptError simulates a network failure. */
function answers(...list: (FakeResponse | SuiteScriptError)[]) {
  let i = 0;
  return () => {
    const next = list[Math.min(i++, list.length - 1)]!;
    if (next instanceof SuiteScriptError) throw next;
    return next;
  };
}

function run(list: (FakeResponse | SuiteScriptError)[], config: Partial<ClientConfig> = {}, usage = 1000) {
  const fake = fakeAccount({ responder: answers(...list), remainingUsage: usage });
  const outcome = sendBill(
    { n: fake.n, config: { ...CONFIG, ...config }, budget: mapBudget(fake), host: fake.host },
    CANDIDATE,
  );
  return { ...fake, outcome };
}

t.test("202 stores the transaction id", async (t) => {
  const { outcome, state } = run([accepted("tx-1")]);
  t.match(outcome, { status: "SENT", transactionId: "tx-1", httpStatus: 202, attempts: 1 });
  t.equal(state.requests.length, 1);
  const body = JSON.parse(state.requests[0]!.body!);
  t.match(body, { netsuiteBillId: "101", fileName: "INV-1001.pdf", mimeType: "application/pdf" });
  t.equal(Buffer.from(body.base64Data, "base64").subarray(0, 5).toString(), "%PDF-", "file bytes sent as base64");
  t.same(body.billDetails, CANDIDATE.bill);
  t.equal(state.remainingUsage, 1000 - 10 - 10 - 10, "record.load 10 + file.load 10 + https.post 10");
});

t.test("200 (idempotent retry) also stores the transaction id", async (t) => {
  const { outcome } = run([accepted("tx-1", 200)]);
  t.match(outcome, { status: "SENT", transactionId: "tx-1", httpStatus: 200 });
  t.match(outcome.message, /already accepted/);
});

t.test("409 is a content conflict and is not retried", async (t) => {
  const conflict = { code: 409, message: "different content", transactionId: "tx-old" };
  const { outcome, state } = run([{ code: 409, body: JSON.stringify(conflict) }]);
  t.match(outcome, { status: "CONFLICT", httpStatus: 409, attempts: 1 });
  t.match(outcome.message, /content conflict.*\(transaction tx-old\)\. HTTP 409: different content/);
  t.equal(state.requests.length, 1);
});

for (const code of [400, 413, 415, 422]) {
  t.test(`${code} is reported on the bill with the service's message, not retried`, async (t) => {
    const { outcome, state, host } = run([{ code, body: JSON.stringify({ message: `bad thing ${code}` }) }]);
    t.match(outcome, { status: "REJECTED", httpStatus: code, attempts: 1 });
    t.match(outcome.message, new RegExp(`HTTP ${code}: bad thing ${code}`));
    t.equal(state.requests.length, 1);
    t.same(host.sleeps, []);
  });
}

t.test("401 leaves the bill for the next run without hammering the service", async (t) => {
  const { outcome, state } = run([{ code: 401, body: JSON.stringify({ message: "invalid api key" }) }]);
  t.match(outcome, { status: "RETRY", httpStatus: 401, attempts: 1 });
  t.match(outcome.message, /API Secret/);
  t.equal(state.requests.length, 1);
});

t.test("429 honours Retry-After, then succeeds", async (t) => {
  const { outcome, host, state } = run([{ code: 429, headers: { "Retry-After": "2" }, body: "{}" }, accepted("tx-2")]);
  t.match(outcome, { status: "SENT", transactionId: "tx-2", attempts: 2 });
  t.same(host.sleeps, [2000]);
  const [first, second] = state.requests;
  t.equal(first!.body, second!.body, "the same body is sent again");
});

t.test("429 with a Retry-After beyond the longest wait is left for the next run", async (t) => {
  const { outcome, host } = run([{ code: 429, headers: { "retry-after": "120" }, body: "{}" }]);
  t.match(outcome, { status: "RETRY", httpStatus: 429, attempts: 1 });
  t.match(outcome.message, /Retry-After 120 s, left for the next run/);
  t.same(host.sleeps, []);
});

t.test("5xx is retried with exponential backoff, then left for the next run", async (t) => {
  const { outcome, host, state } = run([{ code: 503, body: "Service Unavailable" }]);
  t.match(outcome, { status: "RETRY", httpStatus: 503, attempts: 3 });
  t.same(host.sleeps, [1000, 2000]);
  t.equal(state.requests.length, 3);
});

t.test("a 500 then a 202 ends SENT", async (t) => {
  const { outcome } = run([{ code: 500, body: "{}" }, accepted("tx-3")]);
  t.match(outcome, { status: "SENT", transactionId: "tx-3", attempts: 2 });
});

t.test("a network failure (SSS_REQUEST_TIME_EXCEEDED) is retried", async (t) => {
  const { outcome } = run([new SuiteScriptError("SSS_REQUEST_TIME_EXCEEDED", "timed out"), accepted("tx-4")]);
  t.match(outcome, { status: "SENT", transactionId: "tx-4", attempts: 2 });
});

t.test("a network failure on every attempt ends RETRY with the error", async (t) => {
  const { outcome } = run([new SuiteScriptError("SSS_CONNECTION_TIME_OUT", "no route")]);
  t.match(outcome, { status: "RETRY", attempts: 3 });
  t.match(outcome.message, /SSS_CONNECTION_TIME_OUT: no route/);
});

t.test("a 2xx without a transaction id is not trusted", async (t) => {
  const { outcome } = run([{ code: 202, body: "<html>proxy</html>" }], { maxAttempts: 1 });
  t.match(outcome, { status: "RETRY", httpStatus: 202 });
});

t.test("governance: stops before a POST it cannot afford and never dies mid-record", async (t) => {
  // 45 units: record.load 10 + file.load 10 + POST 10 leaves 15; a second POST (10) fits, a third not.
  const { outcome, state } = run([{ code: 503, body: "{}" }], {}, 45);
  t.equal(state.requests.length, 2);
  t.match(outcome, { status: "RETRY", attempts: 2 });
  t.match(outcome.message, /governance: 5 units left, stopped before POST/);
  t.equal(state.remainingUsage, 5, "nothing was spent past the check");
});

t.test("governance: nothing is loaded when the first POST is unaffordable", async (t) => {
  const { outcome, state } = run([accepted()], {}, 29);
  t.match(outcome, { status: "RETRY", attempts: 0 });
  t.match(outcome.message, /stopped before loading the bill/);
  t.equal(state.requests.length, 0);
  t.same(state.loaded, [], "not even the record");
  t.equal(state.remainingUsage, 29);
});

t.test("time budget: a wait that would overrun the map time limit is not started", async (t) => {
  const fake = fakeAccount({ responder: answers({ code: 503, body: "{}" }) });
  const budget = mapBudget(fake);
  fake.host.clock += 239_500; // 300 s limit - 60 s worst-case call - 500 ms
  const outcome = sendBill({ n: fake.n, config: CONFIG, budget, host: fake.host }, CANDIDATE);
  t.match(outcome, { status: "RETRY", attempts: 1 });
  t.match(outcome.message, /time limit near/);
  t.same(fake.host.sleeps, []);
});

t.test("oversize file: skipped with a reason before any POST and before reading it", async (t) => {
  const fake = fakeAccount({ responder: answers(accepted()) });
  fake.state.files["501"] = { name: "huge.pdf", fileType: "PDF", size: 10_485_761, bytes: pdfBytes(16) };
  const outcome = sendBill({ n: fake.n, config: CONFIG, budget: mapBudget(fake), host: fake.host }, CANDIDATE);
  t.match(outcome, { status: "SKIPPED", attempts: 0 });
  t.match(outcome.message, /10485761 bytes, over the 10485760-byte limit/);
  t.equal(fake.state.requests.length, 0);
});

t.test("oversize against a lower configured limit", async (t) => {
  const { outcome, state } = run([accepted()], { maxFileBytes: 1000 });
  t.match(outcome, { status: "SKIPPED" });
  t.match(outcome.message, /2048 bytes, over the 1000-byte limit/);
  t.equal(state.requests.length, 0);
});

t.test("a file that is not a PDF is skipped", async (t) => {
  const fake = fakeAccount({ responder: answers(accepted()) });
  fake.state.files["501"] = { name: "scan.png", fileType: "PNGIMAGE", size: 100, bytes: new Uint8Array(100) };
  const outcome = sendBill({ n: fake.n, config: CONFIG, budget: mapBudget(fake), host: fake.host }, CANDIDATE);
  t.match(outcome, { status: "SKIPPED", message: /PNGIMAGE, not a PDF/ });
  t.equal(fake.state.requests.length, 0);
});

t.test("a file that cannot be loaded is an ERROR on the bill", async (t) => {
  const fake = fakeAccount({ responder: answers(accepted()), files: {} });
  const outcome = sendBill({ n: fake.n, config: CONFIG, budget: mapBudget(fake), host: fake.host }, CANDIDATE);
  t.match(outcome, { status: "ERROR", message: /cannot load file 501: INSUFFICIENT_PERMISSION/ });
});

t.test("classify and Retry-After parsing", async (t) => {
  t.equal(retryAfterMs("3", 0), 3000);
  t.equal(retryAfterMs("Thu, 01 Jan 1970 00:00:10 GMT", 4000), 6000);
  t.equal(retryAfterMs("soon", 0), undefined);
  t.equal(retryAfterMs(undefined, 0), undefined);
  t.match(classify({ code: 302, body: "", headers: {} }, 0), { kind: "retry", message: "unexpected HTTP 302" });
  t.match(classify({ code: 502, body: "", headers: { "RETRY-AFTER": "1" } }, 0), { kind: "retry", retryAfterMs: 1000 });
});
