/**
 * Strict base64 in one cheap pass. A regex over a 13 MB string costs ~75 ms; instead we let Node's
 * SIMD decoder write into a buffer of exactly the size a valid string must produce. Node skips
 * characters outside the alphabet and stops at a misplaced "=", so any such string decodes short;
 * the two URL-safe characters it also accepts are found with indexOf (memchr speed).
 * Measured on a 10 MiB PDF: ~2 ms here vs 5 ms for Buffer.from plus 74 ms for the regex.
 */
import { ERR_BILL_TOO_LARGE, ERR_INVALID_BASE64 } from "../errors.ts";
import { ingestBuffers } from "./buffer-pool.ts";

/** Decoded size of a base64 string of this length, judged from its length and padding only. */
export function decodedLength(b64: string): number {
  const pad = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - pad;
}

/** Largest base64 string length that can decode to at most maxBytes. */
export const maxBase64Length = (maxBytes: number) => Math.ceil(maxBytes / 3) * 4;

/**
 * Decodes b64 (standard alphabet, "=" padding required, no whitespace). Throws 413 when the length
 * alone shows the result would exceed maxBytes (before decoding anything), 400 when it is not base64.
 */
export function decodeStrictBase64(b64: string, maxBytes: number): Buffer {
  const size = decodedLength(b64);
  if (size > maxBytes) throw ERR_BILL_TOO_LARGE(size, maxBytes);
  if (b64.length === 0) throw ERR_INVALID_BASE64("it is empty");
  if (b64.length % 4 !== 0) throw ERR_INVALID_BASE64("its length is not a multiple of 4 (missing or extra padding)");
  const out = Buffer.allocUnsafe(size);
  const written = out.write(b64, "base64");
  if (written !== size || b64.indexOf("-") !== -1 || b64.indexOf("_") !== -1) {
    // Never hand out the rest of an allocUnsafe buffer: it is dropped here.
    throw ERR_INVALID_BASE64("it contains characters outside the base64 alphabet or misplaced padding");
  }
  return out;
}

/**
 * Base64 text is decoded in slices of this many characters (a multiple of 4): each slice is a V8
 * string below its large-object threshold (128 KiB), where one string of a 100 KiB PDF's 137 KB of
 * base64 would be allocated and collected on its own pages (~0.1 ms per bill, measured).
 */
const SLICE_CHARS = 48 * 1024;

/**
 * Decodes src[start, end) as strict base64 (the rules of decodeStrictBase64) without making it
 * one string. Returns undefined when it is not strictly valid: the caller then takes the ordinary
 * path, which produces the usual error. The result comes from ingestBuffers: its owner gives it
 * back once nothing reads it (ingest-service.ts), or leaves it to the garbage collector.
 */
export function decodeStrictBase64Bytes(src: Buffer, start: number, end: number): Buffer | undefined {
  const length = end - start;
  if (length === 0 || length % 4 !== 0) return undefined;
  const pad = src[end - 1] === 0x3d ? (src[end - 2] === 0x3d ? 2 : 1) : 0;
  const size = (length / 4) * 3 - pad;
  const out = ingestBuffers.take(size);
  let written = 0;
  for (let at = start; at < end; at += SLICE_CHARS) {
    // Node skips characters outside the alphabet and stops at "=": any such slice decodes short.
    written += out.write(src.toString("latin1", at, Math.min(at + SLICE_CHARS, end)), written, "base64");
  }
  const span = src.subarray(start, end);
  if (written !== size || span.indexOf(0x2d) !== -1 || span.indexOf(0x5f) !== -1) {
    ingestBuffers.give(out); // "-", "_", or short: never handed out
    return undefined;
  }
  return out;
}
