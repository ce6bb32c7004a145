/**
 * Standard base64 (RFC 4648 §4, with padding) in plain TypeScript, for places with neither Buffer
 * nor k6/encoding. The k6 scripts pass k6's native `b64encode` and Node passes Buffer instead:
 * both are much faster on multi-megabyte PDFs.
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** A function that turns bytes into standard padded base64. */
export type Base64Encoder = (bytes: Uint8Array) => string;

export const encodeBase64: Base64Encoder = (bytes) => {
  const parts: string[] = [];
  const chunk = 3 * 4096;
  for (let start = 0; start < bytes.length; start += chunk) {
    const end = Math.min(start + chunk, bytes.length);
    let out = "";
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
    }
    if (i < end) {
      const a = bytes[i]!;
      const b = i + 1 < end ? bytes[i + 1]! : 0;
      const n = (a << 16) | (b << 8);
      out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
      out += i + 1 < end ? `${ALPHABET[(n >> 6) & 63]!}=` : "==";
    }
    parts.push(out);
  }
  return parts.join("");
};

/** Length of the base64 text for `byteLength` bytes (with padding). */
export function base64Length(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}
