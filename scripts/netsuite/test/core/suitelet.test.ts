import t from "tap";
import { SUITELET_PARAMETER_PREFIX } from "../../ts/core/config.ts";
import { createSuitelet, escapeHtml } from "../../ts/core/suitelet.ts";
import { API_KEY, accepted, fakeAccount, mrParameters } from "../fakes/fixtures.ts";
import type { SentRequest } from "../fakes/n-modules.ts";

const TX = "6f1c1c9e-1111-4a4a-9b9b-000000000001";

function call(fake: ReturnType<typeof fakeAccount>, method: "GET" | "POST", parameters: Record<string, string>) {
  const out: string[] = [];
  const headers: Record<string, string> = {};
  createSuitelet(fake.n, fake.host).onRequest({
    request: { method, parameters },
    response: {
      write: ((o: { output: string }) => out.push(o.output)) as never,
      setHeader: ((h: { name: string; value: string }) => {
        headers[h.name] = h.value;
      }) as never,
    },
  });
  return { html: out.join(""), headers };
}

function account() {
  const fake = fakeAccount({
    parameters: mrParameters(SUITELET_PARAMETER_PREFIX, { [`${SUITELET_PARAMETER_PREFIX}max_attempts`]: 1 }),
  });
  fake.state.responder = (request: SentRequest) => {
    if (request.method === "POST") return accepted(TX);
    return {
      code: 200,
      body: JSON.stringify({ transactionId: TX, status: "success", zohoBillId: "460000000012345", lastError: null }),
    };
  };
  return fake;
}

t.test("GET without a bill id shows the form only", async (t) => {
  const fake = account();
  const { html, headers } = call(fake, "GET", {});
  t.match(html, /<form method="POST">/);
  t.match(headers["Content-Type"], /text\/html/);
  t.equal(fake.state.requests.length, 0);
});

t.test("POST sends the bill now, records the outcome and shows the middleware status", async (t) => {
  const fake = account();
  const { html } = call(fake, "POST", { billId: "101" });
  const [post, get] = fake.state.requests;
  t.equal(post?.method, "POST");
  t.equal(post?.url, "https://bills.example.com/api/v1/bills");
  t.equal(get?.method, "GET");
  t.equal(get?.url, `https://bills.example.com/api/v1/transactions/${TX}`);
  t.equal(get?.headers["x-api-key"], API_KEY, "the status call is authenticated too");
  t.match(fake.state.bills[0]!.fields, { custbody_mw_status: "SENT", custbody_mw_txn_id: TX });
  t.match(html, /<strong>SENT<\/strong>/);
  t.match(html, /460000000012345/);
  t.match(html, /success/);
  // search 5 + 5, record.load 10, file.load 10, POST 10, submitFields 10, lookupFields 1, status GET 10
  t.equal(1000 - fake.state.remainingUsage, 61, "61 of the Suitelet's 1,000 units");
});

t.test("GET with a bill id shows the stored status and asks the middleware", async (t) => {
  const fake = account();
  fake.state.bills[0]!.fields = { custbody_mw_status: "SENT", custbody_mw_txn_id: TX };
  const { html } = call(fake, "GET", { billId: "101" });
  t.equal(fake.state.requests.length, 1);
  t.equal(fake.state.requests[0]?.method, "GET");
  t.match(html, /Delivery status<\/th><td>SENT/);
  t.match(html, /zohoBillId/);
});

t.test("a DELIVERED bill shows its Zoho Books bill id", async (t) => {
  const fake = account();
  fake.state.bills[0]!.fields = {
    custbody_mw_status: "DELIVERED",
    custbody_mw_txn_id: TX,
    custbody_mw_zoho_bill_id: "460000000012345",
  };
  const { html } = call(fake, "GET", { billId: "101" });
  t.match(html, /Delivery status<\/th><td>DELIVERED/);
  t.match(html, /Zoho Books bill id<\/th><td>460000000012345/);
});

t.test("a middleware status error is shown, not thrown", async (t) => {
  const fake = account();
  fake.state.bills[0]!.fields = { custbody_mw_status: "SENT", custbody_mw_txn_id: TX };
  fake.state.responder = () => ({ code: 404, body: JSON.stringify({ message: "transaction not found" }) });
  const { html } = call(fake, "GET", { billId: "101" });
  t.match(html, /Middleware status unavailable: HTTP 404: transaction not found/);
});

t.test("a bill without a PDF is reported without any request", async (t) => {
  const fake = account();
  fake.state.bills[0]!.fileIds = [];
  const { html } = call(fake, "POST", { billId: "101" });
  t.match(html, /SKIPPED<\/strong>: no vendor bill with an attached PDF/);
  t.equal(fake.state.requests.length, 0);
});

t.test("a 409 is shown and recorded as a conflict", async (t) => {
  const fake = account();
  fake.state.responder = () => ({ code: 409, body: JSON.stringify({ message: "different <b>bytes</b>" }) });
  const { html } = call(fake, "POST", { billId: "101" });
  t.match(html, /CONFLICT<\/strong>/);
  t.match(html, /different &#60;b&#62;bytes&#60;\/b&#62;/, "service text is escaped");
  t.equal(fake.state.bills[0]!.fields.custbody_mw_status, "CONFLICT");
});

t.test("a non-numeric bill id is refused before anything runs", async (t) => {
  const fake = account();
  const { html } = call(fake, "POST", { billId: "<script>" });
  t.match(html, /must be a number/);
  t.notMatch(html, /<script>/);
  t.equal(fake.state.requests.length, 0);
});

t.test("a missing base URL parameter is shown as a setup error", async (t) => {
  const fake = account();
  delete fake.state.parameters[`${SUITELET_PARAMETER_PREFIX}base_url`];
  const { html } = call(fake, "POST", { billId: "101" });
  t.match(html, /Error: ConfigError: script parameter custscript_mw_sl_base_url must be an https:\/\/ URL/);
  t.equal(fake.state.requests.length, 0);
});

t.test("escapeHtml", async (t) => {
  t.equal(escapeHtml(`<a href="x">'&'</a>`), "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
});
