/**
 * JSON bodies parsed with a bare JSON.parse: Fastify's default parser adds a secure-json-parse
 * prototype scan over the whole text (two more passes over a 13 MB body). Prototype poisoning is
 * instead stopped by the route schemas (additionalProperties: false rejects a "__proto__" key, and
 * the lenient legacy route reads fields by name only). The raw text is kept for signature checks
 * when the caller's key requires them.
 *
 * Routes marked `config: { pdfApart: true }` (POST /api/v1/bills) get their base64Data decoded here,
 * straight from the received bytes: the rest of the body is parsed as usual, base64Data holds a
 * per-process placeholder, and the decoded bytes are in req.pdfBytes. That skips two strings the
 * size of the base64 text (the whole body, then the field), each allocated in V8's large-object
 * space (CPU per 100 KiB bill: scripts/verify/bench/cuts/body-parse.ts). Anything
 * unusual (escapes in the field, a second base64Data, invalid base64, a nested key) falls back to
 * parsing the whole text, so every answer, error or not, is the one the plain parse gives.
 */
import { randomBytes } from "node:crypto";
import type { FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ERR_INVALID_JSON } from "../errors.ts";
import { decodeStrictBase64Bytes } from "../ingest/base64.ts";

/** Unguessable, so it can only reach base64Data by being the text spliced in below. */
export const PDF_PLACEHOLDER = `pdf-decoded-apart:${randomBytes(16).toString("hex")}`;
const KEY = Buffer.from('"base64Data"');
const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** The body with base64Data decoded apart, or undefined when the plain parse must decide. */
export function parsePdfApart(raw: Buffer): { body: unknown; pdf: Buffer } | undefined {
  const k = raw.indexOf(KEY);
  if (k === -1) return undefined;
  let i = k + KEY.length;
  while (isSpace(raw[i])) i++;
  if (raw[i++] !== 0x3a) return undefined; // ":"
  while (isSpace(raw[i])) i++;
  if (raw[i] !== 0x22) return undefined; // opening quote
  const start = i + 1;
  const end = raw.indexOf(0x22, start);
  if (end === -1) return undefined;
  const pdf = decodeStrictBase64Bytes(raw, start, end);
  if (!pdf) return undefined;
  let body: { base64Data?: unknown } | null;
  try {
    body = JSON.parse(raw.toString("utf8", 0, start) + PDF_PLACEHOLDER + raw.toString("utf8", end));
  } catch {
    return undefined;
  }
  // The spliced text is the top-level base64Data (not a nested key, not text inside another string).
  if (typeof body !== "object" || body === null || body.base64Data !== PDF_PLACEHOLDER) return undefined;
  return { body, pdf };
}

function parseText(req: FastifyRequest, text: string, done: (err: Error | null, body?: unknown) => void) {
  if (req.apiKey && req.apiKey.hmacKeys.length > 0) req.rawBody = text;
  try {
    done(null, JSON.parse(text));
  } catch {
    done(ERR_INVALID_JSON(), undefined);
  }
}

export default fp(
  async (app) => {
    app.decorateRequest("rawBody", undefined);
    app.decorateRequest("pdfBytes", undefined);
    // JSON only: anything else (Fastify also parses text/plain by default) is 415.
    app.removeContentTypeParser(["application/json", "text/plain"]);
    app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => {
      const raw = body as Buffer;
      // A signed request needs the exact text for its HMAC: the plain path.
      const signed = req.apiKey !== undefined && req.apiKey.hmacKeys.length > 0;
      if (!signed && req.routeOptions.config.pdfApart === true) {
        const apart = parsePdfApart(raw);
        if (apart) {
          req.pdfBytes = apart.pdf;
          done(null, apart.body);
          return;
        }
      }
      parseText(req, raw.toString("utf8"), done);
    });
  },
  { name: "json-body" },
);
