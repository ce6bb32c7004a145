/**
 * Console test helpers for inject-level tests: the admin key set, sign-in returning the session
 * cookie, and a page's CSRF token. The browser tests (browser.test.ts) sign in through the form.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";

export const CONSOLE_KEY = "console-key-0123456789abcdef0123456789abcdef";
export const ADMIN_API_KEYS = JSON.stringify([
  { name: "ap-clerk-ana", sha256: createHash("sha256").update(CONSOLE_KEY).digest("hex") },
]);

const form = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
};

export function postForm(app: FastifyInstance, url: string, fields: Record<string, string | string[]>, cookie = "") {
  return app.inject({
    method: "POST",
    url,
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    payload: form(fields),
  });
}

/** Signs in with the form; returns the session cookie ("name=value"). */
export async function signIn(app: FastifyInstance, key = CONSOLE_KEY): Promise<string> {
  const res = await postForm(app, "/console/sign-in", { key });
  const set = res.cookies.find((c) => c.name === "bmw_console");
  if (res.statusCode !== 303 || !set) throw new Error(`sign-in failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
  return `${set.name}=${set.value}`;
}

/** GETs a page with the session; returns its HTML and the CSRF token its forms carry. */
export async function page(app: FastifyInstance, url: string, cookie: string) {
  const res = await app.inject({ method: "GET", url, headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? "";
  return { res, html: res.body, csrf };
}
