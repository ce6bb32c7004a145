/**
 * File names come from NetSuite users. What reaches the object key (and the row, and Zoho's
 * attachment) is a single safe segment: no path separators, no control or format characters, no
 * "..", no leading dot, bounded length, ending in .pdf.
 */

const MAX_NAME = 120;
const FALLBACK = "document.pdf";

export function sanitizeFileName(input: string): string {
  // Keep only the last path segment, whatever separator the client used.
  const base = input.normalize("NFC").split(/[/\\]/).pop() ?? "";
  let name = base
    // Control (Cc), format (Cf: bidi overrides, zero-width) and unassigned/private-use characters.
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu, "")
    // Anything else outside a conservative set becomes "_": S3 keys, URLs and Zoho all accept these.
    .replace(/[^\p{L}\p{N} ._()+,=@-]/gu, "_")
    .replace(/\.{2,}/g, ".")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+|[\s.]+$/g, "");
  if (!/\.pdf$/i.test(name)) name = `${name}.pdf`;
  if (name.length > MAX_NAME) name = `${name.slice(0, MAX_NAME - 4).trimEnd()}.pdf`;
  return name === ".pdf" ? FALLBACK : name;
}

/** Object key: one folder per bill and content hash, so an identical retry writes the same key. */
export function objectKey(netsuiteBillId: string, sha256: string, fileName: string): string {
  return `bills/${encodeURIComponent(netsuiteBillId)}/${sha256}/${fileName}`;
}
