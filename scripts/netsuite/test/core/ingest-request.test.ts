import { createHmac, timingSafeEqual } from "node:crypto";
import t from "tap";
import { buildBillRequest, buildStatusRequest, sign, transactionUrl, webhookId } from "../../ts/core/ingest-request.ts";
import { API_KEY, CONFIG, fakeAccount, WEBHOOK_SECRET } from "../fakes/fixtures.ts";
import { FakeSecureString } from "../fakes/n-modules.ts";

const payload = {
  netsuiteBillId: "101",
  fileName: "INV-1001.pdf",
  mimeType: "application/pdf" as const,
  base64Data: Buffer.from("%PDF-1.7 test").toString("base64"),
  billDetails: { billNumber: "INV-1001", vendorName: "Ünïcode Vendor GmbH" },
};

/** Standard Webhooks verification as a receiver does it (independent of the client code). */
function verify(secret: string, headers: Record<string, string>, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key)
    .update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`)
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

t.test("signs id.timestamp.body as Standard Webhooks v1, verifiable with the whsec_ secret", async (t) => {
  const { n, state } = fakeAccount();
  const config = { ...CONFIG, signingSecretId: "custsecret_mw_signing" };
  const request = buildBillRequest(n, config, payload, 1_790_000_123_456);
  const headers = request.headers as Record<string, string>;
  t.equal(headers["webhook-timestamp"], "1790000123", "unix seconds");
  t.equal(headers["webhook-id"], webhookId("101", "INV-1001.pdf"));
  t.match(headers["webhook-signature"], /^v1,[A-Za-z0-9+/]+=*$/);
  t.ok(verify(WEBHOOK_SECRET, headers, request.body), "a receiver holding whsec_... accepts the signature");
  t.notOk(verify(WEBHOOK_SECRET, headers, `${request.body} `), "and rejects a changed body");

  state.responder = () => ({ code: 202, body: "{}" });
  n.https.post(request);
  t.ok(verify(WEBHOOK_SECRET, state.requests[0]!.headers, state.requests[0]!.body!), "verifies on the wire too");
});

t.test("each attempt is signed with its own timestamp", async (t) => {
  const { n } = fakeAccount();
  const a = sign(n, "custsecret_mw_signing", "msg_1", 1000, "{}");
  const b = sign(n, "custsecret_mw_signing", "msg_1", 1001, "{}");
  t.not(a, b);
});

t.test("an unknown signing secret fails loudly instead of sending unsigned", async (t) => {
  const { n } = fakeAccount();
  t.throws(() => buildBillRequest(n, { ...CONFIG, signingSecretId: "custsecret_missing" }, payload, 0), {
    name: "INVALID_SECRET",
  });
});

t.test("webhook id is header-safe and stable per bill file", async (t) => {
  t.equal(webhookId("101", "my invoice (1).pdf"), "msg_ns_101_my_invoice__1_.pdf");
  t.equal(webhookId("101", "a.pdf"), webhookId("101", "a.pdf"));
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
  t.ok(verify(WEBHOOK_SECRET, signed.headers as Record<string, string>, ""), "verifies over an empty body");
  const plain = buildStatusRequest(n, CONFIG, "tx-1", 1_790_000_000_000);
  t.same(Object.keys(plain.headers).sort(), ["Accept", "x-api-key"]);
});
