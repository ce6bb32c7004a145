import { createHmac, timingSafeEqual } from "node:crypto";
import t from "tap";
import {
  buildBillRequest,
  buildStatusBatchRequest,
  buildStatusRequest,
  transactionUrl,
} from "../../ts/core/ingest-request.ts";
import { requestTarget, sign, webhookId } from "../../ts/core/signing.ts";
import { API_KEY, CONFIG, fakeAccount, WEBHOOK_SECRET } from "../fakes/fixtures.ts";
import { FakeSecureString } from "../fakes/n-modules.ts";

const payload = {
  netsuiteBillId: "101",
  fileName: "INV-1001.pdf",
  mimeType: "application/pdf" as const,
  base64Data: Buffer.from("%PDF-1.7 test").toString("base64"),
  billDetails: { billNumber: "INV-1001", vendorName: "Ünïcode Vendor GmbH" },
};

/**
 * The service's verification (service/src/auth/signature.ts), written out independently of the
 * client code: HMAC over `id.timestamp.METHOD path?query.body` with the whsec_ secret.
 */
function verify(secret: string, headers: Record<string, string>, method: string, target: string, body: string) {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key)
    .update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${method} ${target}.${body}`)
    .digest();
  return (headers["webhook-signature"] ?? "").split(" ").some((part) => {
    const [version, sig] = part.split(",");
    const got = Buffer.from(sig ?? "", "base64");
    return version === "v1" && got.length === expected.length && timingSafeEqual(got, expected);
  });
}

t.test("builds a JSON POST with the API key taken from the API Secret", async (t) => {
  const { n, state } = fakeAccount();
  const request = buildBillRequest(n, CONFIG, payload, 1_790_000_000_000);
  t.equal(request.url, "https://bills.example.com/api/v1/bills");
  t.same(JSON.parse(request.body), payload, "body is the payload, as a JSON string");
  t.equal(request.headers["Content-Type"], "application/json");
  const key = request.headers["x-api-key"];
  t.ok(key instanceof FakeSecureString, "the key header is a SecureString, never the value");
  t.equal((key as unknown as FakeSecureString).input, "{custsecret_mw_api_key}");
  t.notOk(JSON.stringify(request).includes(API_KEY), "the key value is nowhere in the script's data");
  t.notOk("webhook-signature" in request.headers, "unsigned when no signing secret is configured");

  state.responder = () => ({ code: 202, body: "{}" });
  n.https.post(request);
  t.equal(state.requests[0]?.headers["x-api-key"], API_KEY, "NetSuite puts the secret on the wire");
});

t.test("signs id.timestamp.METHOD path.body as the service verifies it, with the whsec_ secret", async (t) => {
  const { n, state } = fakeAccount();
  const config = { ...CONFIG, signingSecretId: "custsecret_mw_signing" };
  const request = buildBillRequest(n, config, payload, 1_790_000_123_456);
  const headers = request.headers as Record<string, string>;
  t.equal(headers["webhook-timestamp"], "1790000123", "unix seconds");
  t.equal(headers["webhook-id"], webhookId("101_INV-1001.pdf", 1_790_000_123_456));
  t.match(headers["webhook-signature"], /^v1,[A-Za-z0-9+/]+=*$/);
  const path = "/api/v1/bills";
  t.ok(verify(WEBHOOK_SECRET, headers, "POST", path, request.body), "the service accepts the signature");
  t.notOk(verify(WEBHOOK_SECRET, headers, "POST", path, `${request.body} `), "and rejects a changed body");
  t.notOk(verify(WEBHOOK_SECRET, headers, "POST", "/api/convert/base64-to-binary", request.body), "or route");
  t.notOk(verify(WEBHOOK_SECRET, headers, "GET", path, request.body), "or method");

  state.responder = () => ({ code: 202, body: "{}" });
  n.https.post(request);
  const wire = state.requests[0]!;
  t.ok(verify(WEBHOOK_SECRET, wire.headers, "POST", path, wire.body!), "verifies on the wire too");
});

t.test("each attempt has its own id and timestamp (the service refuses a pair it has seen)", async (t) => {
  const { n } = fakeAccount();
  const config = { ...CONFIG, signingSecretId: "custsecret_mw_signing" };
  const first = buildBillRequest(n, config, payload, 1_790_000_000_000).headers as Record<string, string>;
  const retry = buildBillRequest(n, config, payload, 1_790_000_000_400).headers as Record<string, string>;
  t.equal(first["webhook-timestamp"], retry["webhook-timestamp"], "a retry within the same second...");
  t.not(first["webhook-id"], retry["webhook-id"], "...still has a new id");
  const target = { method: "POST" as const, url: "https://x/api/v1/bills", body: "{}" };
  t.not(
    sign(n, "custsecret_mw_signing", "msg_1", 1000, target),
    sign(n, "custsecret_mw_signing", "msg_1", 1001, target),
  );
});

t.test("the signed target is the path and query as sent", async (t) => {
  t.equal(requestTarget("https://bills.example.com/api/v1/transactions/a%2Fb"), "/api/v1/transactions/a%2Fb");
  t.equal(requestTarget("https://bills.example.com:8443/api/v1/bills?x=1&y=2#frag"), "/api/v1/bills?x=1&y=2");
  t.equal(requestTarget("https://bills.example.com"), "/");
  t.equal(requestTarget("https://bills.example.com?x=1"), "/?x=1");
});

t.test("an unknown signing secret fails loudly instead of sending unsigned", async (t) => {
  const { n } = fakeAccount();
  t.throws(() => buildBillRequest(n, { ...CONFIG, signingSecretId: "custsecret_missing" }, payload, 0), {
    name: "INVALID_SECRET",
  });
});

t.test("webhook id is header-safe and at most 200 characters", async (t) => {
  t.equal(webhookId("101_my invoice (1).pdf", 5), "msg_ns_5_101_my_invoice__1_.pdf");
  t.equal(webhookId("x".repeat(300), 5).length, 200);
  t.equal(transactionUrl(CONFIG, "a/b"), "https://bills.example.com/api/v1/transactions/a%2Fb");
});

t.test("the status GET is signed over the empty body when signing is on, and unsigned otherwise", async (t) => {
  const { n } = fakeAccount();
  const signed = buildStatusRequest(
    n,
    { ...CONFIG, signingSecretId: "custsecret_mw_signing" },
    "tx-1",
    1_790_000_000_000,
  );
  t.equal(signed.url, "https://bills.example.com/api/v1/transactions/tx-1");
  const headers = signed.headers as Record<string, string>;
  t.ok(verify(WEBHOOK_SECRET, headers, "GET", "/api/v1/transactions/tx-1", ""), "verifies over an empty body");
  const plain = buildStatusRequest(n, CONFIG, "tx-1", 1_790_000_000_000);
  t.same(Object.keys(plain.headers).sort(), ["Accept", "x-api-key"]);
});

t.test("the batch status call posts up to 100 ids, signed over its body and path", async (t) => {
  const { n } = fakeAccount();
  const config = { ...CONFIG, signingSecretId: "custsecret_mw_signing" };
  const request = buildStatusBatchRequest(n, config, ["101", "102"], 1_790_000_000_000);
  t.equal(request.url, "https://bills.example.com/api/v1/transactions/status");
  t.same(JSON.parse(request.body), { netsuiteBillIds: ["101", "102"] });
  const headers = request.headers as Record<string, string>;
  t.ok(verify(WEBHOOK_SECRET, headers, "POST", "/api/v1/transactions/status", request.body));
  t.throws(() => buildStatusBatchRequest(n, config, [], 0), RangeError);
  t.throws(() => buildStatusBatchRequest(n, config, Array(101).fill("1"), 0), RangeError);
});
