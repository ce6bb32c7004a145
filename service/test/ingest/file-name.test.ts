import t from "tap";
import { objectKey, sanitizeFileName } from "../../src/ingest/file-name.ts";

t.test("file names become one safe segment", async (t) => {
  const cases: [string, string][] = [
    ["INV-1001.pdf", "INV-1001.pdf"],
    ["../../etc/passwd", "passwd.pdf"],
    ["C:\\Users\\x\\bill.PDF", "bill.PDF"],
    ["a\u0000b\u001fc\u007f.pdf", "abc.pdf"],
    ["evil\u202Efdp.exe", "evilfdp.exe.pdf"],
    ["..", "document.pdf"],
    ["...pdf", "pdf.pdf"],
    ["bill..pdf", "bill.pdf"],
    [".hidden.pdf", "hidden.pdf"],
    ["Rechnung Müller (2).pdf", "Rechnung Müller (2).pdf"],
    ['a<b>c|d?*"e.pdf', "a_b_c_d___e.pdf"],
    ["   ", "document.pdf"],
  ];
  for (const [input, expected] of cases) t.equal(sanitizeFileName(input), expected, JSON.stringify(input));
  const long = sanitizeFileName(`${"x".repeat(300)}.pdf`);
  t.equal(long.length, 120);
  t.match(long, /\.pdf$/);
});

t.test("no input can add a separator, control character or .. to the key", async (t) => {
  const alphabet = ["/", "\\", ".", "..", "\u0000", "\n", "\r", "\u2028", "\u202e", "a", " ", "%2e", "%2f"];
  const bad: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const input = Array.from({ length: 1 + (i % 12) }, (_, j) => alphabet[(i * 7 + j * 13) % alphabet.length]).join("");
    const name = sanitizeFileName(input);
    if (/[/\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\.\./u.test(name) || !name || name.startsWith("."))
      bad.push(encodeURIComponent(input));
  }
  t.same(bad, [], "2000 hostile names, none unsafe");
  t.equal(objectKey("NS-1", "ab".repeat(32), "x.pdf"), `bills/NS-1/${"ab".repeat(32)}/x.pdf`);
});
