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
 *
 * The body is read into one buffer from ingestBuffers sized from Content-Length (readBody), not
 * into Fastify's list of chunks joined by Buffer.concat: the same limits and errors as Fastify's
 * own reader (413 before reading when Content-Length is over the route's limit, 413 as soon as the
 * bytes are, 400 on a stream error or aborted upload, 400 when the length does not match), and the
 * buffer goes back to the pool once parsed (both parses copy what they keep).
 */
import { randomBytes } from "node:crypto";
import { errorCodes, type FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ERR_INVALID_JSON } from "../errors.ts";
import { decodeStrictBase64Bytes } from "../ingest/base64.ts";
import { ingestBuffers } from "../ingest/buffer-pool.ts";

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

function parseText(req: FastifyRequest, text: string, done: Done) {
  if (req.apiKey && req.apiKey.hmacKeys.length > 0) req.rawBody = text;
  try {
    done(null, JSON.parse(text));
  } catch {
    done(ERR_INVALID_JSON(), undefined);
  }
}

type Done = (err: Error | null, body?: unknown) => void;
interface BodyStream extends NodeJS.EventEmitter {
  resume(): unknown;
  receivedEncodedLength?: number;
}

/**
 * Where a body's bytes go: with a Content-Length, one pooled buffer of that size; without one
 * (chunked), or past the declared size, a list of chunks joined as Fastify joins them.
 */
class CollectedBody {
  received = 0;
  readonly #declared: number;
  // Taken at the first byte, not before: a declared size is not yet memory anyone sent.
  #buf: Buffer | undefined;
  #chunks: Buffer[] | undefined;

  constructor(declared: number) {
    this.#declared = declared;
    this.#chunks = Number.isNaN(declared) ? [] : undefined;
  }

  add(chunk: Buffer): void {
    const at = this.received;
    this.received += chunk.length;
    if (!this.#chunks) {
      this.#buf ??= ingestBuffers.take(this.#declared);
      if (this.received <= this.#buf.length) {
        chunk.copy(this.#buf, at);
        return;
      }
      // More than declared (only a preParsing stream could): from here on, a list like Fastify's.
      this.#chunks = [Buffer.from(this.#buf.subarray(0, at))];
      this.release();
    }
    this.#chunks.push(chunk);
  }

  bytes(): Buffer {
    if (this.#chunks) return Buffer.concat(this.#chunks, this.received);
    return this.#buf?.subarray(0, this.received) ?? Buffer.alloc(0);
  }

  /** Gives the pooled buffer back (idempotent). */
  release(): void {
    if (this.#buf) ingestBuffers.give(this.#buf);
    this.#buf = undefined;
  }
}

/** A stream error or an aborted upload answers 400, unless it carries an error status of its own. */
function asClientError(err: Error & { statusCode?: number }): Error {
  if (!(typeof err.statusCode === "number" && err.statusCode >= 400)) err.statusCode = 400;
  return err;
}

/**
 * Fastify's raw-body reader (lib/content-type-parser.js rawBody, parseAs "buffer"), step for step,
 * except where the bytes go (CollectedBody), given back after `parse` returns.
 */
export function readBody(
  req: FastifyRequest,
  payload: BodyStream,
  done: Done,
  parse: (raw: Buffer, done: Done) => void,
): void {
  const limit = req.routeOptions.bodyLimit;
  const contentLength = Number(req.headers["content-length"]);
  if (contentLength > limit) {
    done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
    return;
  }
  const body = new CollectedBody(contentLength);
  const stop = () => {
    payload.removeListener("data", onData);
    payload.removeListener("end", onEnd);
    payload.removeListener("error", onEnd);
  };
  const fail = (err: Error) => {
    stop();
    body.release();
    done(err, undefined);
  };
  function onData(data: Buffer | string) {
    // A custom preParsing stream may still emit strings.
    const chunk = typeof data === "string" ? Buffer.from(data) : data;
    if (body.received + chunk.length > limit || (payload.receivedEncodedLength ?? 0) > limit) {
      fail(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    body.add(chunk);
  }
  function onEnd(err?: Error & { statusCode?: number }) {
    if (err != null) return fail(asClientError(err));
    if (!Number.isNaN(contentLength) && (payload.receivedEncodedLength || body.received) !== contentLength) {
      return fail(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
    }
    stop();
    try {
      parse(body.bytes(), done);
    } catch (error) {
      done(error as Error, undefined);
    } finally {
      body.release();
    }
  }
  payload.on("data", onData);
  payload.on("end", onEnd);
  payload.on("error", onEnd);
  payload.resume();
}

export default fp(
  async (app) => {
    app.decorateRequest("rawBody", undefined);
    app.decorateRequest("pdfBytes", undefined);
    // JSON only: anything else (Fastify also parses text/plain by default) is 415.
    app.removeContentTypeParser(["application/json", "text/plain"]);
    app.addContentTypeParser("application/json", (req, payload, done) =>
      readBody(req, payload as unknown as BodyStream, done, (raw, done) => {
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
      }),
    );
  },
  { name: "json-body" },
);
