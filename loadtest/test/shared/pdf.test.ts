import t from "tap";
import { base64Length, encodeBase64 } from "../../shared/base64.ts";
import { createPdfTemplate, generatePdf, minimumPdfSize, PDF_ID_SLOT, stampPdf } from "../../shared/pdf.ts";

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

/**
 * What a PDF reader relies on: header, EOF, startxref at the xref table, every xref offset at its
 * object, every stream /Length exact. Returns the problems found (none for a good file).
 */
function problems(bytes: Uint8Array): string[] {
  const found: string[] = [];
  const text = latin1(bytes);
  if (!text.startsWith("%PDF-1.7\n")) found.push("no %PDF header");
  if (!text.endsWith("%%EOF\n")) found.push("no %%EOF");
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  if (text.slice(startxref, startxref + 5) !== "xref\n") found.push("startxref misses the xref table");
  const entries = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
  if (entries.length !== 6) found.push(`${entries.length} xref entries`);
  entries.forEach((offset, i) => {
    const label = `${i + 1} 0 obj`;
    if (text.slice(offset, offset + label.length) !== label) found.push(`object ${i + 1} offset wrong`);
  });
  for (const m of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
    const end = (m.index ?? 0) + m[0].length + Number(m[1]);
    if (text.slice(end, end + 10) !== "\nendstream") found.push(`stream /Length ${m[1]} wrong`);
  }
  return found;
}

t.test("PDFs have exactly the requested size and a valid structure", async (t) => {
  for (const size of [minimumPdfSize(), 2048, 100 * 1024, 100 * 1024 + 1, 5 * 1024 * 1024]) {
    const pdf = generatePdf(size, `bill-${size}`);
    t.equal(pdf.length, size, `${size} bytes`);
    t.same(problems(pdf), [], `${size} bytes: well formed`);
  }
  t.throws(() => createPdfTemplate(minimumPdfSize() - 1, "x"), RangeError);
  t.throws(() => createPdfTemplate(1000.5, "x"), RangeError);
});

t.test("every bill gets its own bytes, and the same template is reproducible", async (t) => {
  const template = createPdfTemplate(100 * 1024, "vu-1");
  const a = stampPdf(template, "lt-run-ingest-1");
  const b = stampPdf(template, "lt-run-ingest-2");
  t.not(latin1(a), latin1(b));
  t.ok(latin1(a).includes("(Load-test vendor bill lt-run-ingest-1"), "the id is on the page");
  t.same(problems(a), []);
  t.equal(latin1(createPdfTemplate(4096, "seed").bytes), latin1(createPdfTemplate(4096, "seed").bytes));
  t.not(latin1(createPdfTemplate(4096, "seed").bytes), latin1(createPdfTemplate(4096, "other").bytes));
  t.equal(latin1(template.bytes).includes("lt-run-ingest-1"), false, "stamping copies; the template is untouched");
});

t.test("ids are escaped for PDF strings and limited to the slot", async (t) => {
  const pdf = latin1(generatePdf(2048, "a(b)\\c\u00e9"));
  t.ok(pdf.includes("bill a\\(b\\)\\\\c?"));
  t.throws(() => generatePdf(2048, "x".repeat(PDF_ID_SLOT + 1)), RangeError);
});

t.test("the filler is incompressible, like a scanned bill", async (t) => {
  const { gzipSync } = await import("node:zlib");
  const pdf = generatePdf(100 * 1024, "z");
  t.ok(gzipSync(pdf).length > pdf.length * 0.95);
});

t.test("base64 matches Node's encoder at every padding length", async (t) => {
  for (const size of [0, 1, 2, 3, 4, 5, 12_287, 12_288, 12_289, 100 * 1024]) {
    const bytes = generatePdf(Math.max(size, minimumPdfSize()), `b-${size}`).subarray(0, size);
    const encoded = encodeBase64(bytes);
    t.equal(encoded, Buffer.from(bytes).toString("base64"), `${size} bytes`);
    t.equal(encoded.length, base64Length(size));
    t.same(Buffer.from(encoded, "base64"), Buffer.from(bytes), "decodes back");
  }
});
