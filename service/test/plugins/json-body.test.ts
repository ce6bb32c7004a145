/**
 * plugins/json-body.ts: on routes with config.pdfApart, base64Data is decoded from the received
 * bytes; every body the fast path is unsure of goes through the plain parse, so the route sees the
 * same bill (or the same error) either way.
 */
import { createHash, randomBytes } from "node:crypto";
import Fastify from "fastify";
import t from "tap";
import { decodeStrictBase64 } from "../../src/ingest/base64.ts";
import jsonBody, { PDF_PLACEHOLDER } from "../../src/plugins/json-body.ts";

async function app(t: { teardown(fn: () => unknown): void }) {
  const f = Fastify();
  f.decorateRequest("apiKey", undefined);
  await f.register(jsonBody);
  const handler = async (req: import("fastify").FastifyRequest) => {
    const b = req.body as { base64Data: string; other?: unknown };
    const bytes = req.pdfBytes ?? decodeStrictBase64(b.base64Data, 1 << 30);
    return { apart: req.pdfBytes !== undefined, sha: createHash("sha256").update(bytes).digest("hex"), other: b.other };
  };
  f.post("/apart", { config: { pdfApart: true } }, handler);
  f.post("/plain", handler);
  f.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, _req, reply) =>
    reply.code(err.statusCode ?? 500).send({ code: err.code, message: err.message }),
  );
  t.teardown(() => f.close());
  return f;
}

const bytes = randomBytes(150 * 1024 + 1);
const b64 = bytes.toString("base64");
const sha = createHash("sha256").update(bytes).digest("hex");
const send = (f: Awaited<ReturnType<typeof app>>, url: string, payload: string) =>
  f.inject({ method: "POST", url, headers: { "content-type": "application/json" }, payload });

t.test("a plain body is decoded apart, with the same bytes and the other fields intact", async (t) => {
  const f = await app(t);
  const payload = JSON.stringify({ other: 'Grüße "quoted"', base64Data: b64 });
  const apart = await send(f, "/apart", payload);
  const plain = await send(f, "/plain", payload);
  t.same(apart.json(), { apart: true, sha, other: 'Grüße "quoted"' });
  t.same(plain.json(), { apart: false, sha, other: 'Grüße "quoted"' });
});

t.test("whitespace around the colon is still the fast path", async (t) => {
  const f = await app(t);
  const res = await send(f, "/apart", `{ "other" : 1 , "base64Data" :\n "${b64}" }`);
  t.same(res.json(), { apart: true, sha, other: 1 });
});

t.test("bodies the fast path is unsure of give the plain parse's answer", async (t) => {
  const f = await app(t);
  const cases: Record<string, string> = {
    "an escaped slash in the base64": JSON.stringify({ base64Data: b64 }).replaceAll("/", "\\/"),
    "the key as another field's value first": JSON.stringify({ other: "base64Data", base64Data: b64 }),
    "a nested base64Data first": JSON.stringify({ other: { base64Data: "QUJD" }, base64Data: b64 }),
    "a second base64Data (the last one wins)": `{"base64Data":"QUJD","base64Data":"${b64}"}`,
    "URL-safe base64": JSON.stringify({ base64Data: b64.replaceAll("+", "-") }),
    "a line break inside the base64": JSON.stringify({ base64Data: `${b64.slice(0, 76)}\n${b64.slice(76)}` }),
    "a raw control character (invalid JSON)": `{"base64Data":"${b64.slice(0, 76)}\u0001${b64.slice(76)}"}`,
    "missing padding": JSON.stringify({ base64Data: b64.replace(/=+$/, "") }),
    "invalid JSON after the field": `{"base64Data":"${b64}",}`,
    "a top-level array": `["base64Data", {"base64Data":"${b64}"}]`,
    "no base64Data at all": JSON.stringify({ other: 1 }),
  };
  for (const [what, payload] of Object.entries(cases)) {
    const apart = await send(f, "/apart", payload);
    const plain = await send(f, "/plain", payload);
    t.equal(apart.statusCode, plain.statusCode, `${what}: same status`);
    const { apart: wasApart, ...rest } = apart.json() as { apart?: boolean };
    const { apart: _p, ...plainRest } = plain.json() as { apart?: boolean };
    t.same(rest, plainRest, `${what}: same answer`);
    t.notOk(wasApart, `${what}: not decoded apart`);
  }
});

t.test("the placeholder is per process and never the caller's text", async (t) => {
  t.match(PDF_PLACEHOLDER, /^pdf-decoded-apart:[0-9a-f]{32}$/);
  const f = await app(t);
  // A caller who sends a placeholder-looking value gets it treated as ordinary (invalid) base64.
  const res = await send(f, "/apart", JSON.stringify({ base64Data: "pdf-decoded-apart:00" }));
  t.equal(res.statusCode, 400);
});

t.test("the pooled reader answers as Fastify's own buffer reader does", async (t) => {
  // The same routes with Fastify's reader (parseAs "buffer") and a plain JSON.parse.
  const ref = Fastify();
  ref.removeContentTypeParser(["application/json"]);
  ref.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => {
    try {
      done(null, JSON.parse((body as Buffer).toString("utf8")));
    } catch {
      done(Object.assign(new Error("bad json"), { statusCode: 400 }), undefined);
    }
  });
  const echo = async (req: import("fastify").FastifyRequest) => ({ n: (req.body as { n?: number }).n });
  ref.post("/small", { bodyLimit: 100 }, echo);
  const ours = Fastify();
  ours.decorateRequest("apiKey", undefined);
  await ours.register(jsonBody);
  ours.post("/small", { bodyLimit: 100 }, echo);
  t.teardown(() => Promise.all([ref.close(), ours.close()]));
  const { Readable } = await import("node:stream");
  const cases: Record<string, () => { payload: string | NodeJS.ReadableStream; headers?: Record<string, string> }> = {
    "within the limit": () => ({ payload: '{"n":1}' }),
    "Content-Length over the limit": () => ({ payload: JSON.stringify({ n: 1, pad: "x".repeat(200) }) }),
    "chunked, within the limit": () => ({ payload: Readable.from([Buffer.from('{"n":'), Buffer.from("2}")]) }),
    "chunked, over the limit": () => ({
      payload: Readable.from([Buffer.from('{"n":3,"p":"'), Buffer.alloc(200, 0x78)]),
    }),
    "empty body": () => ({ payload: "", headers: { "content-type": "application/json", "content-length": "0" } }),
  };
  for (const [what, make] of Object.entries(cases)) {
    const base = { method: "POST" as const, url: "/small", headers: { "content-type": "application/json" } };
    const a = await ours.inject({ ...base, ...make() });
    const b = await ref.inject({ ...base, ...make() });
    t.equal(a.statusCode, b.statusCode, `${what}: same status (${b.statusCode})`);
    if (b.statusCode < 400 || b.statusCode === 413) t.equal(a.body, b.body, `${what}: same body`);
  }
});
