import t from "tap";
import { decodedLength, decodeStrictBase64, maxBase64Length } from "../../src/ingest/base64.ts";

t.test("valid base64 decodes to the same bytes as Node's decoder", async (t) => {
  for (let n = 0; n < 50; n++) {
    const bytes = Buffer.from(Array.from({ length: n + 1 }, (_, i) => (i * 37 + n) & 255));
    const b64 = bytes.toString("base64");
    t.same(decodeStrictBase64(b64, 1000), bytes);
    t.equal(decodedLength(b64), bytes.length);
  }
});

t.test("invalid base64 is rejected with a 400 error", async (t) => {
  for (const bad of ["QQ=A", "QQ-=", "Q===", "QUJD\nQQ==", "QU_D", "QQ==QQ==", "QQ$=", "QUJDR", "QUJD ", ""]) {
    t.throws(() => decodeStrictBase64(bad, 1000), { code: "ERR_INVALID_BASE64", statusCode: 400 }, JSON.stringify(bad));
  }
});

t.test("the size limit is judged from the length before decoding", async (t) => {
  const max = 30;
  t.same(decodeStrictBase64(Buffer.alloc(30).toString("base64"), max).length, 30);
  t.throws(() => decodeStrictBase64(Buffer.alloc(31).toString("base64"), max), {
    code: "ERR_BILL_TOO_LARGE",
    statusCode: 413,
  });
  t.throws(
    () => decodeStrictBase64("!".repeat(maxBase64Length(max) + 4), max),
    { code: "ERR_BILL_TOO_LARGE", statusCode: 413 },
    "413 for garbage too",
  );
  t.equal(maxBase64Length(10 * 1024 * 1024), 13_981_016);
});
