/**
 * The console's gate (service/src/console/session.ts, routes/guard.ts, routes/sign-in.ts): it
 * exists only with admin keys, an admin key is exchanged for an HttpOnly SameSite=Strict session,
 * nothing opens without one, and every change needs the session's CSRF token.
 */
import { createHash } from "node:crypto";
import t from "tap";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";
import { seedBill } from "../../../lib/testing/seed.ts";
import { parseApiKeys } from "../../src/auth/api-keys.ts";
import { build } from "../helper.ts";
import { ADMIN_API_KEYS, CONSOLE_KEY, page, postForm, signIn } from "./helper.ts";

const statusOf = (app: Awaited<ReturnType<typeof build>>["app"], id: string) =>
  app.db.oneFirst(sql.type(z.object({ status: z.string() }))`SELECT status FROM transactions WHERE id = ${id}`);
const actionCount = (app: Awaited<ReturnType<typeof build>>["app"]) =>
  app.db.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM operator_actions`);

t.test("without ADMIN_API_KEYS there is no console", async (t) => {
  const { app } = await build(t);
  t.equal((await app.inject({ method: "GET", url: "/console/sign-in" })).statusCode, 404);
  t.equal((await app.inject({ method: "GET", url: "/console/" })).statusCode, 404);
});

t.test("a request without a session is refused and changes nothing", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  const id = await seedBill(app.db);
  for (const url of ["/console/", "/console/failed", `/console/bills/${id}`, "/console/dlq"]) {
    const res = await app.inject({ method: "GET", url });
    t.equal(res.statusCode, 303, `${url} redirects`);
    t.equal(res.headers.location, "/console/sign-in");
  }
  const post = await postForm(app, `/console/bills/${id}/retry`, { note: "x" });
  t.equal(post.statusCode, 401);
  t.match(post.body, /not signed in/);
  const forged = await postForm(app, `/console/bills/${id}/retry`, { note: "x" }, "bmw_console=made-up-session-id");
  t.equal(forged.statusCode, 401, "an unknown session id is no session");
  t.equal(await statusOf(app, id), "failed");
  t.equal(await actionCount(app), 0);
});

t.test("a wrong key is refused; a right one gives a short HttpOnly SameSite=Strict session", async (t) => {
  const { app, logs } = await build(t, { ADMIN_API_KEYS }, { captureLogs: true });
  const wrong = await postForm(app, "/console/sign-in", { key: "not-a-key" });
  t.equal(wrong.statusCode, 401);
  t.notOk(
    wrong.cookies.some((c) => c.name === "bmw_console"),
    "no session for a wrong key",
  );
  const res = await postForm(app, "/console/sign-in", { key: CONSOLE_KEY });
  t.equal(res.statusCode, 303);
  const cookie = res.cookies.find((c) => c.name === "bmw_console");
  t.ok(cookie?.httpOnly, "HttpOnly");
  t.equal(cookie?.sameSite, "Strict");
  t.equal(cookie?.path, "/console");
  const minutes = cookie?.expires ? (cookie.expires.getTime() - Date.now()) / 60_000 : 0;
  t.ok(minutes > 15 && minutes <= 30, `expires in 15-30 min (${minutes.toFixed(1)} min)`);
  const overview = await page(app, "/console/", `bmw_console=${cookie?.value}`);
  t.equal(overview.res.statusCode, 200);
  t.match(overview.html, /Signed in as <strong>ap-clerk-ana<\/strong>/);
  t.notOk(
    logs.some((l) => l.includes("console-key-0123")),
    "the key is never logged",
  );
});

t.test("a change without the session's CSRF token is refused and changes nothing", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  const id = await seedBill(app.db);
  const cookie = await signIn(app);
  const none = await postForm(app, `/console/bills/${id}/retry`, { note: "x" }, cookie);
  t.equal(none.statusCode, 403);
  t.match(none.body, /form has expired or did not come from the console/);
  const other = await signIn(app);
  const { csrf: foreign } = await page(app, `/console/bills/${id}`, other);
  const mixed = await postForm(app, `/console/bills/${id}/retry`, { note: "x", _csrf: foreign }, cookie);
  t.equal(mixed.statusCode, 403, "another session's token does not count");
  t.equal(await statusOf(app, id), "failed");
  t.equal(await actionCount(app), 0);

  const { csrf } = await page(app, `/console/bills/${id}`, cookie);
  const ok = await postForm(app, `/console/bills/${id}/retry`, { note: "vendor fixed in Zoho", _csrf: csrf }, cookie);
  t.equal(ok.statusCode, 303, "with the token the retry goes through");
  t.equal(await statusOf(app, id), "pending");
});

t.test("signing out ends the session everywhere", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  const cookie = await signIn(app);
  const { csrf } = await page(app, "/console/", cookie);
  const out = await postForm(app, "/console/sign-out", { _csrf: csrf }, cookie);
  t.equal(out.statusCode, 303);
  const after = await app.inject({ method: "GET", url: "/console/", headers: { cookie } });
  t.equal(after.statusCode, 303, "the old cookie no longer opens the console");
});

t.test("withdrawing the admin key ends its sessions at the next request", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  const cookie = await signIn(app);
  t.equal((await app.inject({ method: "GET", url: "/console/", headers: { cookie } })).statusCode, 200);
  const others = JSON.stringify([
    { name: "someone-else", sha256: createHash("sha256").update("another-key-0123456789").digest("hex") },
  ]);
  app.adminKeys.replace(parseApiKeys(others));
  const after = await app.inject({ method: "GET", url: "/console/", headers: { cookie } });
  t.equal(after.statusCode, 303, "back to sign-in");
  app.adminKeys.replace(parseApiKeys(ADMIN_API_KEYS));
  const again = await app.inject({ method: "GET", url: "/console/", headers: { cookie } });
  t.equal(again.statusCode, 303, "the session is gone, not just suspended");
});

t.test("wrong keys are counted per address: past the limit 429, and a valid key still signs in", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS, AUTH_FAILURE_LIMIT_PER_MINUTE: "3" });
  const codes = [];
  for (let i = 0; i < 5; i++) codes.push((await postForm(app, "/console/sign-in", { key: `guess-${i}` })).statusCode);
  t.same(codes, [401, 401, 401, 429, 429]);
  const blocked = await postForm(app, "/console/sign-in", { key: "guess-x" });
  t.ok(Number(blocked.headers["retry-after"]) > 0, "Retry-After");
  t.match(blocked.body, /Too many wrong keys from this address/);
  t.ok(await signIn(app), "the valid key is not locked out");
});

t.test("the console stays out of the public OpenAPI document", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  t.equal((await app.inject({ method: "GET", url: "/console/sign-in" })).statusCode, 200, "the console is there");
  const doc = (await app.inject({ method: "GET", url: "/docs/json" })).json() as { paths: Record<string, unknown> };
  t.same(
    Object.keys(doc.paths).filter((p) => p.startsWith("/console")),
    [],
  );
  t.ok(Object.keys(doc.paths).includes("/api/v1/bills"), "while the API is in it");
});
