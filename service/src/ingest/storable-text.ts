/**
 * PostgreSQL cannot store NUL (U+0000) in text or jsonb, nor an unpaired UTF-16 surrogate (JSON
 * allows "\ud800"). The bill target goes into the row as jsonb, so such text is rejected before
 * anything is written: found by schemathesis, it failed the row insert with a 500 after the PDF
 * was already in S3. (File names need no check: sanitizeFileName drops or replaces both.)
 */

const unstorable = (s: string) => s.includes("\u0000") || !s.isWellFormed();

/** Where the first unstorable key or string is ("details.lineItems[0].name"), or null. Iterative. */
export function findUnstorableText(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, ""]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, path] = item;
    if (typeof v === "string") {
      if (unstorable(v)) return path || "(value)";
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        const at = path ? `${path}.${k.slice(0, 100)}` : k.slice(0, 100);
        if (unstorable(k)) return `a key under ${path || "(value)"}`;
        stack.push([x, at]);
      }
    }
  }
  return null;
}
