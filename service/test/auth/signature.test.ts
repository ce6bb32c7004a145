import { createHmac } from "node:crypto";
import t from "tap";
import { signRequest, verifySignature } from "../../src/auth/signature.ts";

// The example secret of the Standard Webhooks specification's reference libraries.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const key = Buffer.from(SECRET.slice(6), "base64");
const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const ts = 1614265330;
const body = '{"test": 2432232314}';
const req = { method: "POST", url: "/api/v1/bills?mode=strict", body };

t.test("the signature covers id, timestamp, method, path, query and body", async (t) => {
  const expected = createHmac("sha256", key)
    .update(`${id}.${ts}.POST /api/v1/bills?mode=strict.${body}`)
    .digest("base64");
  t.equal(signRequest(SECRET, id, ts, req), `v1,${expected}`);
  const h = { id, timestamp: String(ts), signature: signRequest(SECRET, id, ts, req) };
  t.same(verifySignature(h, req, [key], 300, ts + 299), { ok: true });
  t.same(verifySignature(h, { ...req, method: "post" }, [key], 300, ts), { ok: true }, "method case does not matter");
  t.match(verifySignature(h, req, [key], 300, ts + 301), { ok: false, reason: /window/ });
  for (const [what, moved] of [
    ["body", { ...req, body: `${body} ` }],
    ["method", { ...req, method: "PUT" }],
    ["path", { ...req, url: "/api/convert/base64-to-binary?mode=strict" }],
    ["query", { ...req, url: "/api/v1/bills?mode=lax" }],
    ["query dropped", { ...req, url: "/api/v1/bills" }],
  ] as const) {
    t.match(verifySignature(h, moved, [key], 300, ts), { ok: false, reason: /does not match/ }, `another ${what}`);
  }
  t.match(verifySignature({ ...h, timestamp: "1e9" }, req, [key], 300, ts), { ok: false });
  t.match(verifySignature({ ...h, signature: undefined }, req, [key], 300, ts), { ok: false, reason: /required/ });
});
