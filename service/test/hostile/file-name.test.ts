/**
 * Unicode and path tricks in file names (docs/hostile-inputs.md). A name is never rejected for its
 * characters (NetSuite users type them); it is reduced to one safe segment ending in .pdf, which is
 * the object key's last segment, the row's file_name and later Zoho's attachment name. Only a name
 * over 255 characters is rejected.
 */
import { ListObjectVersionsCommand } from "@aws-sdk/client-s3";
import t from "tap";
import { findTransaction } from "../../../lib/transactions.ts";
import { billBody, build, pdf, post } from "../helper.ts";
import { nothingLeft, rejected } from "./expect.ts";

const UNSAFE = /\.\.|[\\/\p{Cc}\p{Cf}\p{Co}\p{Cn}]|^\.|^\s|\s$/u;

t.test("path and unicode tricks end as one safe segment in the key and the row", async (t) => {
  const { app, env } = await build(t);
  const cases: [string, string, string][] = [
    ["../ traversal", "../../../etc/passwd", "passwd.pdf"],
    ["an absolute path", "/var/lib/x.pdf", "x.pdf"],
    ["backslashes", "..\\..\\Windows\\System32\\evil.pdf", "evil.pdf"],
    ["URL-encoded traversal", "%2e%2e%2f%2e%2e%2fx.pdf", "_2e_2e_2f_2e_2e_2fx.pdf"],
    ["NUL before the extension", "invoice.pdf\u0000.exe", "invoice.pdf.exe.pdf"],
    ["CR LF (header injection)", "a\r\nContent-Type: text/html.pdf", "html.pdf"],
    ["an RTL override (fdp.exe)", "invoice\u202Efdp.exe", "invoicefdp.exe.pdf"],
    ["zero-width and BOM characters", "in\u200Bvo\uFEFFice.pdf", "invoice.pdf"],
    ["only dots", "....", "document.pdf"],
    ["only separators", "///\\\\", "document.pdf"],
    ["a leading dot (hidden file)", ".htaccess", "htaccess.pdf"],
    ["decomposed unicode (NFD)", "Factura-Mu\u0301nchen.pdf", "Factura-Múnchen.pdf"],
    ["emoji and CJK", "請求書 🧾.pdf", "請求書 _.pdf"],
    ["shell metacharacters", "$(rm -rf ~);`id`|x&.pdf", "_(rm -rf _)__id__x_.pdf"],
    ["quotes and angle brackets", '"><img src=x onerror=alert(1)>.pdf', "___img src=x onerror=alert(1)_.pdf"],
    ["a Windows device name", "CON", "CON.pdf"],
    ["255 characters", `${"a".repeat(251)}.pdf`, `${"a".repeat(116)}.pdf`],
  ];
  const keys: string[] = [];
  for (const [what, fileName, expected] of cases) {
    const res = await post(app, billBody(pdf(1024), { fileName }));
    t.equal(res.statusCode, 202, `${what}: accepted`);
    const row = await findTransaction(app.db, res.json().transactionId);
    const key = row?.s3_key ?? "";
    keys.push(key);
    const segments = key.split("/");
    t.equal(segments.length, 4, `${what}: key ${key} is bills/<id>/<sha256>/<name>`);
    t.equal(segments[3], expected, `${what}: stored as ${JSON.stringify(expected)}`);
    t.equal(row?.file_name, expected, `${what}: row file_name`);
    t.notMatch(expected, UNSAFE, `${what}: no separator, control, format character or ..`);
    t.ok(expected.length <= 120 && expected.endsWith(".pdf"), `${what}: at most 120 characters, ends in .pdf`);
  }
  const out = await env.s3.send(new ListObjectVersionsCommand({ Bucket: env.incomingBucket }));
  t.same((out.Versions ?? []).map((v) => v.Key).sort(), [...keys].sort(), "every object is exactly a row's key");
  await nothingLeft(t, app, env, "file names", { objects: cases.length, rows: cases.length, messages: cases.length });
});

t.test("a file name over 255 characters or empty is 400 FST_ERR_VALIDATION", async (t) => {
  const { app, env } = await build(t);
  const cases: [string, string][] = [
    ["256 characters", `${"a".repeat(252)}.pdf`],
    ["10,000 characters", "é".repeat(10_000)],
    ["empty", ""],
  ];
  for (const [what, fileName] of cases) {
    rejected(t, await post(app, billBody(pdf(1024), { fileName })), 400, "FST_ERR_VALIDATION", what);
  }
  await nothingLeft(t, app, env, "bad file names");
});
