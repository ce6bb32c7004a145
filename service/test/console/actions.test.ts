/**
 * The console's changes (service/src/console/routes/actions.ts, bill-fix.ts) refuse bad input with
 * a message on the page and change nothing: the operation's own validation (lib/operations/retry.ts
 * mergeBillFix) judges a fix, a resolve needs a note, only failed bills are retried.
 */
import t from "tap";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";
import { seedBill } from "../../../lib/testing/seed.ts";
import { build } from "../helper.ts";
import { ADMIN_API_KEYS, page, postForm, signIn } from "./helper.ts";

const { app } = await build(t, { ADMIN_API_KEYS });
const cookie = await signIn(app);
const bill = { details: { billNumber: "B-7", vendorId: "460000000099999", total: 10 } };

const state = (id: string) =>
  app.db.one(
    sql.type(
      z.object({ status: z.string(), bill: z.unknown() }),
    )`SELECT status, bill FROM transactions WHERE id = ${id}`,
  );
const actions = () =>
  app.db.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM operator_actions`);

/** Posts a console form with a fresh CSRF token; returns the status and the flash shown after the redirect. */
async function submit(url: string, fields: Record<string, string | string[]>, from: string) {
  const { csrf } = await page(app, from, cookie);
  const res = await postForm(app, url, { ...fields, _csrf: csrf }, cookie);
  if (res.statusCode !== 303) return { status: res.statusCode, flash: res.body };
  const next = await page(app, String(res.headers.location), cookie);
  return { status: 303, flash: /class="flash[^>]*>([^<]*)</.exec(next.html)?.[1] ?? "" };
}

t.test("a fix the operation refuses changes nothing", async (t) => {
  const id = await seedBill(app.db, { bill });
  const from = `/console/bills/${id}`;
  const cases: [Record<string, string>, RegExp][] = [
    [{ lines: "{not json" }, /the lines are not valid JSON/],
    [{ lines: '{"total": 5}' }, /only expenseLines and itemLines can be fixed here, not total/],
    [{ lines: '{"expenseLines": [{"account": {"id": "x"}, "amount": -1}]}' }, /bill fix is invalid/],
    [{ vendorId: "460000000099999" }, /no field differs from the bill as stored/],
  ];
  for (const [fields, message] of cases) {
    const r = await submit(`/console/bills/${id}/fix`, fields, from);
    t.equal(r.status, 303);
    t.match(r.flash, /^Nothing was changed: /);
    t.match(r.flash, message);
  }
  t.same(await state(id), { status: "failed", bill });
  t.equal(await actions(), 0);
});

t.test("resolve needs a note; retry takes failed bills only", async (t) => {
  const id = await seedBill(app.db, { bill });
  const delivered = await seedBill(app.db, { status: "success" });
  const noNote = await submit(`/console/bills/${id}/resolve`, { note: "  " }, `/console/bills/${id}`);
  t.match(noNote.flash, /Nothing was changed: say why in the note/);
  const retried = await submit(`/console/bills/${delivered}/retry`, {}, `/console/bills/${delivered}`);
  t.match(retried.flash, /Nothing was retried\. Skipped 1 bill: .*status is success, only failed bills are retried/);
  t.equal((await state(id)).status, "failed");
  t.equal((await state(delivered)).status, "success");
  t.equal(await actions(), 0);
});

t.test("malformed requests are refused before any work", async (t) => {
  const bulk = await submit("/console/failed/retry", { ids: ["not-a-uuid"] }, "/console/failed");
  t.equal(bulk.status, 400);
  const missing = await page(app, "/console/bills/00000000-0000-4000-8000-000000000000", cookie);
  t.equal(missing.res.statusCode, 404);
  t.match(missing.html, /transaction 00000000-0000-4000-8000-000000000000 not found/);
  const badFilter = await page(app, "/console/failed?reason=<script>", cookie);
  t.equal(badFilter.res.statusCode, 400);
  t.notMatch(badFilter.html, /<script>/, "nothing echoed unescaped");
  t.equal(await actions(), 0);
});

t.test("a bulk retry sends every selected failed bill and records one action by the session's operator", async (t) => {
  const ids = [await seedBill(app.db, { bill }), await seedBill(app.db, { bill })];
  const r = await submit(
    "/console/failed/retry",
    { ids, note: "network fixed", back: "/console/failed?reason=vendor" },
    "/console/failed",
  );
  t.match(r.flash, "Retried 2 bills");
  for (const id of ids) t.equal((await state(id)).status, "pending");
  const rows = await app.db.any(
    sql.type(z.object({ actor: z.string(), reason: z.string(), transaction_ids: z.array(z.string()) }))`
      SELECT actor, reason, transaction_ids::text[] AS transaction_ids FROM operator_actions`,
  );
  t.equal(rows.length, 1);
  t.match(rows[0], { actor: "ap-clerk-ana", reason: "network fixed" });
  t.same([...(rows[0]?.transaction_ids ?? [])].sort(), [...ids].sort());
});
