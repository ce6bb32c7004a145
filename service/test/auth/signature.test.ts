import { createHmac } from "node:crypto";
import t from "tap";
import { signRequest, verifySignature } from "../../src/auth/signature.ts";

// The example from the Standard Webhooks specification's reference libraries.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const key = Buffer.from(SECRET.slice(6), "base64");

t.test("signatures follow the Standard Webhooks scheme", async (t) => {
  const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const ts = 1614265330;
  const body = '{"test": 2432232314}';
  t.equal(signRequest(SECRET, id, ts, body), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  const expected = createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest("base64");
  t.equal(signRequest(SECRET, id, ts, body), `v1,${expected}`);
  const h = { id, timestamp: String(ts), signature: signRequest(SECRET, id, ts, body) };
  t.same(verifySignature(h, body, [key], 300, ts + 299), { ok: true });
  t.match(verifySignature(h, body, [key], 300, ts + 301), { ok: false, reason: /window/ });
  t.match(verifySignature(h, `${body} `, [key], 300, ts), { ok: false, reason: /does not match/ });
  t.match(verifySignature({ ...h, timestamp: "1e9" }, body, [key], 300, ts), { ok: false });
  t.match(verifySignature({ ...h, signature: undefined }, body, [key], 300, ts), { ok: false, reason: /required/ });
});
