/**
 * Valid one-page PDFs of an exact size, with different bytes for every bill. A template is built
 * once (pseudo-random filler stream sized to the target, correct xref offsets) and each bill gets a
 * copy with its id stamped into a fixed-width slot of the page text, so a k6 VU or the benchmark
 * pays one memory copy per bill, not a rebuild. No Node built-ins: k6 loads this file too.
 */

/** Width of the id slot in the page text; ids are space-padded to it. */
export const PDF_ID_SLOT = 64;

export interface PdfTemplate {
  readonly bytes: Uint8Array;
  /** Offset of the id slot inside `bytes`. */
  readonly slotOffset: number;
}

/** Smallest size a template can have (the PDF skeleton with an empty filler stream). */
export function minimumPdfSize(): number {
  return assemble(0, 1).bytes.length;
}

/**
 * Build a template of exactly `sizeBytes`. `seed` picks the filler bytes, so two templates with
 * different seeds differ everywhere, and the same seed gives the same template (reproducible runs).
 */
export function createPdfTemplate(sizeBytes: number, seed: string): PdfTemplate {
  if (!Number.isInteger(sizeBytes)) throw new RangeError("PDF size must be a whole number of bytes");
  let filler = 0;
  // The filler's /Length and startxref are written in decimal, so their width depends on the
  // filler size; a few rounds settle it.
  for (let round = 0; round < 4; round += 1) {
    const size = assemble(filler, 0).bytes.length;
    if (size === sizeBytes) return assemble(filler, fnv1a(seed));
    filler += sizeBytes - size;
    if (filler < 0) throw new RangeError(`PDF size must be at least ${minimumPdfSize()} bytes`);
  }
  const last = assemble(filler, fnv1a(seed));
  if (last.bytes.length !== sizeBytes) throw new RangeError(`cannot build a PDF of exactly ${sizeBytes} bytes`);
  return last;
}

/** A copy of the template with `id` in its slot: the bytes of this bill. */
export function stampPdf(template: PdfTemplate, id: string): Uint8Array {
  const text = escapePdfText(id);
  if (text.length > PDF_ID_SLOT) throw new RangeError(`bill id longer than ${PDF_ID_SLOT} characters`);
  const bytes = template.bytes.slice();
  bytes.set(ascii(text.padEnd(PDF_ID_SLOT, " ")), template.slotOffset);
  return bytes;
}

/** One bill's PDF in one call (builds a template; use createPdfTemplate + stampPdf in loops). */
export function generatePdf(sizeBytes: number, id: string): Uint8Array {
  return stampPdf(createPdfTemplate(sizeBytes, id), id);
}

function assemble(fillerBytes: number, seed: number): PdfTemplate {
  const chunks: Uint8Array[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (chunk: Uint8Array): void => {
    chunks.push(chunk);
    length += chunk.length;
  };
  const object = (body: string): void => {
    offsets.push(length);
    push(ascii(`${offsets.length} 0 obj\n${body}\nendobj\n`));
  };

  // Header, then a comment with four bytes above 127 so tools treat the file as binary.
  push(ascii("%PDF-1.7\n"));
  push(new Uint8Array([0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a]));
  object("<< /Type /Catalog /Pages 2 0 R >>");
  object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  object(
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
  );
  const prefix = "BT /F1 14 Tf 72 720 Td (Load-test vendor bill ";
  const content = `${prefix}${" ".repeat(PDF_ID_SLOT)}) Tj ET`;
  offsets.push(length);
  const contentHead = `4 0 obj\n<< /Length ${content.length} >>\nstream\n`;
  const slotOffset = length + contentHead.length + prefix.length;
  push(ascii(`${contentHead}${content}\nendstream\nendobj\n`));
  object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  // Object 6: the filler that brings the file to size; incompressible, like a scanned bill.
  offsets.push(length);
  push(ascii(`6 0 obj\n<< /Length ${fillerBytes} >>\nstream\n`));
  // Seed 0 only measures the size: zeros cost nothing to allocate.
  push(seed === 0 ? new Uint8Array(fillerBytes) : fillerStream(fillerBytes, seed));
  push(ascii("\nendstream\nendobj\n"));

  const xrefAt = length;
  let xref = `xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) xref += `${String(offset).padStart(10, "0")} 00000 n \n`;
  push(ascii(`${xref}trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`));

  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { bytes, slotOffset };
}

/** xorshift32 bytes: fast, deterministic per seed, and good enough to defeat compression. */
function fillerStream(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
    out[i + 1] = (x >>> 8) & 255;
    out[i + 2] = (x >>> 16) & 255;
    out[i + 3] = (x >>> 24) & 255;
  }
  for (; i < length; i += 1) out[i] = (x >>> (8 * (i & 3))) & 255;
  return out;
}

/** FNV-1a, 32 bits: turns a string seed into the generator's state. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0 || 1;
}

/** PDF literal strings need `\`, `(` and `)` escaped; anything outside printable ASCII becomes `?`. */
function escapePdfText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").replace(/[\\()]/g, (c) => `\\${c}`);
}

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) out[i] = text.charCodeAt(i) & 255;
  return out;
}
