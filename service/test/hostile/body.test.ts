/**
 * Hostile bodies (docs/hostile-inputs.md): malformed JSON, wrong media types, wrong types, huge
 * strings, text PostgreSQL cannot store. Each gets its JSON error and leaves nothing behind.
 */
import t from "tap";
import { API_KEY, billBody, build, pdf, post } from "../helper.ts";
import { nothingLeft, rejected } from "./expect.ts";

const MAX = 64 * 1024;
const good = () => billBody(pdf(1024));
const details = (over: Record<string, unknown>) => ({ ...good(), billDetails: { billNumber: "B-1", ...over } });

t.test("malformed JSON is 400 ERR_INVALID_JSON", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });
  const text = JSON.stringify(good());
  const cases: [string, string][] = [
    ["an empty body", ""],
    ["a truncated body", text.slice(0, 60)],
    ["trailing garbage", `${text}x`],
    ["two JSON documents", `${text}${text}`],
    ["single quotes", "{'netsuiteBillId':'1'}"],
    ["NaN", '{"total":NaN}'],
    ["a comment", `/* c */${text}`],
    ["a byte-order mark", `\ufeff${text}`],
  ];
  for (const [what, payload] of cases) rejected(t, await post(app, payload), 400, "ERR_INVALID_JSON", what);
  const utf16 = await app.inject({
    method: "POST",
    url: "/api/v1/bills",
    headers: { "content-type": "application/json; charset=utf-16", "x-api-key": API_KEY },
    payload: Buffer.from(text, "utf16le"),
  });
  rejected(t, utf16, 400, "ERR_INVALID_JSON", "a UTF-16 body");
  await nothingLeft(t, app, env, "malformed JSON");
});

t.test("a body that is not JSON is 415", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });
  const text = JSON.stringify(good());
  const types: [string, string | undefined][] = [
    ["no content type", undefined],
    ["text/plain", "text/plain"],
    ["a form", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
    ["application/pdf", "application/pdf"],
  ];
  for (const [what, type] of types) {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/bills",
      headers: { "x-api-key": API_KEY, ...(type ? { "content-type": type } : {}) },
      payload: text,
    });
    rejected(t, res, 415, "FST_ERR_CTP_INVALID_MEDIA_TYPE", what);
  }
  await nothingLeft(t, app, env, "non-JSON bodies");
});

t.test("wrong types are 400 FST_ERR_VALIDATION (no coercion)", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });
  const cases: [string, unknown][] = [
    ["an array body", []],
    ["a null body", null],
    ["a string body", "bill"],
    ["a number body", 42],
    ["netsuiteBillId as a number", { ...good(), netsuiteBillId: 48213 }],
    ["netsuiteBillId as null", { ...good(), netsuiteBillId: null }],
    ["netsuiteBillId as an array", { ...good(), netsuiteBillId: ["48213"] }],
    ["fileName as a number", { ...good(), fileName: 1 }],
    ["mimeType as an object", { ...good(), mimeType: { type: "application/pdf" } }],
    ["base64Data as an array", { ...good(), base64Data: [pdf(10).toString("base64")] }],
    ["base64Data as a boolean", { ...good(), base64Data: true }],
    ["zohoBillId as a number", { ...good(), zohoBillId: 123 }],
    ["billDetails as a string", { ...good(), billDetails: "B-1" }],
    ["billDetails.total as a string", details({ total: "100" })],
    ["billDetails.total negative", details({ total: -1 })],
    ["billDetails.lineItems as an object", details({ lineItems: {} })],
    ["a line item's rate as a string", details({ lineItems: [{ rate: "1" }] })],
    ["billDetails.date not a date", details({ date: "tomorrow" })],
    ["billDetails.currencyCode lower case", details({ currencyCode: "usd" })],
    ["an unknown field", { ...good(), isAdmin: true }],
    ["an unknown field in billDetails", details({ status: "paid" })],
  ];
  for (const [what, body] of cases) {
    rejected(t, await post(app, JSON.stringify(body)), 400, "FST_ERR_VALIDATION", what);
  }
  const proto = `{"__proto__":{"isAdmin":true},${JSON.stringify(good()).slice(1)}`;
  rejected(t, await post(app, proto), 400, "FST_ERR_VALIDATION", "a __proto__ key");
  const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
  rejected(t, await post(app, deep), 400, "FST_ERR_VALIDATION", "100,000 nested arrays");
  await nothingLeft(t, app, env, "wrong types");
});

t.test("huge strings are 400 at their documented limit, 413 past the body limit", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });
  const bodyLimit = Math.ceil(MAX / 3) * 4 + 1024 * 1024;
  const cases: [string, unknown][] = [
    ["netsuiteBillId of 101 characters", { ...good(), netsuiteBillId: `N${"1".repeat(100)}` }],
    ["fileName of 256 characters", { ...good(), fileName: `${"a".repeat(252)}.pdf` }],
    ["fileName of 100,000 characters", { ...good(), fileName: "a".repeat(100_000) }],
    ["mimeType of 101 characters", { ...good(), mimeType: "a".repeat(101) }],
    ["referenceNumber of 101 characters", { ...good(), referenceNumber: "r".repeat(101) }],
    ["referenceNumber of 900,000 characters", { ...good(), referenceNumber: "r".repeat(900_000) }],
    ["zohoBillId of 31 digits", { ...good(), zohoBillId: "1".repeat(31) }],
    ["billDetails.notes of 2,001 characters", details({ notes: "n".repeat(2001) })],
    ["billDetails.vendorName of 201 characters", details({ vendorName: "v".repeat(201) })],
    ["501 line items", details({ lineItems: Array.from({ length: 501 }, () => ({ rate: 1 })) })],
    ["an unknown field of 500,000 characters", { ...good(), padding: "p".repeat(500_000) }],
  ];
  for (const [what, body] of cases) {
    rejected(t, await post(app, JSON.stringify(body)), 400, "FST_ERR_VALIDATION", what);
  }
  const over = { ...good(), referenceNumber: "r".repeat(bodyLimit) };
  rejected(t, await post(app, over), 413, "FST_ERR_CTP_BODY_TOO_LARGE", "a string past the body limit");
  await nothingLeft(t, app, env, "huge strings");
});

t.test("NUL and unpaired surrogates in stored text are 400 ERR_INVALID_TEXT, before the PDF is stored", async (t) => {
  const { app, env } = await build(t, { MAX_PDF_BYTES: String(MAX) });
  const legacy = (body: unknown) => post(app, body, {}, "/api/convert/base64-to-binary");
  const cases: [string, unknown, string][] = [
    ["NUL in referenceNumber", { ...good(), referenceNumber: "INV\u00001" }, "referenceNumber"],
    ["an unpaired surrogate in referenceNumber", { ...good(), referenceNumber: "INV\ud8001" }, "referenceNumber"],
    ["NUL in billDetails.billNumber", details({ billNumber: "B\u0000" }), "billDetails.billNumber"],
    ["NUL in a line item", details({ lineItems: [{ rate: 1, name: "x\u0000" }] }), "billDetails.lineItems[0].name"],
    ["a lone low surrogate in notes", details({ notes: "\udc00" }), "billDetails.notes"],
  ];
  for (const [what, body, where] of cases) {
    const res = await post(app, body);
    rejected(t, res, 400, "ERR_INVALID_TEXT", what);
    t.match(res.json().message, where, `${what}: names ${where}`);
  }
  const b64 = pdf(1024).toString("base64");
  rejected(t, await legacy({ base64Data: b64, referenceNumber: "\u0000" }), 400, "ERR_INVALID_TEXT", "legacy NUL");
  await nothingLeft(t, app, env, "unstorable text");
});
