/**
 * Strict base64 in one cheap pass. A regex over a 13 MB string costs ~75 ms; instead we let Node's
 * SIMD decoder write into a buffer of exactly the size a valid string must produce. Node skips
 * characters outside the alphabet and stops at a misplaced "=", so any such string decodes short;
 * the two URL-safe characters it also accepts are found with indexOf (memchr speed).
 * Measured on a 10 MiB PDF: ~2 ms here vs 5 ms for Buffer.from plus 74 ms for the regex.
 */
import { ERR_BILL_TOO_LARGE, ERR_INVALID_BASE64 } from "../errors.ts";

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
