/**
 * The Overview (service/src/console/queries/overview.ts, templates/overview.eta): bills by status in
 * 24 h and 7 d, delivery rate, backlog and its oldest bill, Zoho calls today, each number linking
 * to its list (Zoho calls: routes/zoho-calls.ts, today's audit log rows).
 */
import t from "tap";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";
import { seedBill, seedZohoCall } from "../../../lib/testing/seed.ts";
import { build } from "../helper.ts";
import { ADMIN_API_KEYS, page, signIn } from "./helper.ts";

const H = 3_600_000;

t.test("the numbers count the right bills and link to their lists", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  await seedBill(app.db, { status: "success", ageMs: 1 * H });
  await seedBill(app.db, { status: "success", ageMs: 50 * H });
  await seedBill(app.db, { status: "success", ageMs: 9 * 24 * H }); // outside both windows
  const failed = await seedBill(app.db, { status: "failed", ageMs: 2 * H });
  await seedBill(app.db, { status: "pending", ageMs: 3 * H + 60_000 });
  await seedBill(app.db, { status: "processing", ageMs: 10 * 60_000 });
  await seedZohoCall(app.db, failed, { operation: "books.bills.create", statusCode: 400, message: "vendor_id" });
  await seedZohoCall(app.db, failed, { operation: "books.bills.list", statusCode: 200 });
  await seedZohoCall(app.db, failed, { operation: "books.bills.list", statusCode: 200 });
  await seedZohoCall(app.db, failed, { operation: "oauth.refresh", statusCode: 200 }); // Zoho Accounts: not quota
  // Yesterday's call counts for neither the number nor its list.
  await app.db.query(sql.type(z.object({}))`
    INSERT INTO api_audit_logs (transaction_id, operation, method, url, status_code, created_at)
    VALUES (${failed}, 'books.bills.create', 'POST', '/books/v3/bills', 201,
      date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '1 minute')`);
  const cookie = await signIn(app);
  const { html } = await page(app, "/console/", cookie);
  const cells = (label: string) =>
    [
      ...(new RegExp(`<th scope="row">${label}</th>([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? "").matchAll(
        />([^<>]+)<\/a>/g,
      ),
    ].map((m) => m[1]);
  t.same(cells("Delivered"), ["1", "2"]);
  t.same(cells("Failed"), ["1", "1"]);
  t.same(cells("Waiting"), ["1", "1"]);
  t.same(cells("Being delivered"), ["1", "1"]);
  t.same(cells("Delivery rate"), ["50.0 %", "66.7 %"]);
  t.match(html, /<span class="n">1<\/span> failed bills waiting for someone/);
  t.match(html, /<span class="n">2<\/span> bills waiting for delivery/);
  t.match(html, /<span class="n">3 h 1 min<\/span> oldest waiting bill/);
  t.match(
    html,
    /<a href="\/console\/zoho-calls"><span class="n">3 of 5,000<\/span> Zoho Books calls today \(UTC\), of the daily quota<\/a>/,
    "N of today's quota (ZOHO_DAILY_QUOTA's default), linking to its list",
  );
  t.match(html, /href="\/console\/bills\?list=success&amp;window=7d">2</, "a number links to its list");
  const list = await page(app, "/console/bills?list=success&window=7d", cookie);
  t.equal((list.html.match(/<tr><td><a href="\/console\/bills\//g) ?? []).length, 2, "and the list holds those bills");
  const calls = await page(app, "/console/zoho-calls", cookie);
  t.equal(calls.res.statusCode, 200);
  t.match(calls.html, /<caption>4 calls today, by operation<\/caption>/);
  t.match(
    calls.html,
    /quota \(5,000 calls\) counts the 3 calls to the Books API/,
    "the list's Books total is the tile's number",
  );
  t.match(calls.html, /<th scope="row">oauth\.refresh<\/th>(<td class="num">\d<\/td>){3}<td>no<\/td>/);
  t.match(
    calls.html,
    /<th scope="row">books\.bills\.list<\/th><td class="num">2<\/td><td class="num">0<\/td>.*<td>yes/,
  );
  t.match(calls.html, /<th scope="row">books\.bills\.create<\/th><td class="num">1<\/td><td class="num">1<\/td>/);
  const rows = calls.html.match(new RegExp(`<a href="/console/bills/${failed}">`, "g")) ?? [];
  t.equal(rows.length, 4, "each of today's calls links to its bill");
  t.match(calls.html, /HTTP 400 · code 0 · vendor_id/, "with Zoho's answer");
});

t.test(
  "calls today are shown against the configured quota, flagged from 80 % (the quota alarm's threshold)",
  async (t) => {
    const { app } = await build(t, { ADMIN_API_KEYS, ZOHO_DAILY_QUOTA: "5" });
    const bill = await seedBill(app.db, { status: "success" });
    for (let i = 0; i < 4; i++) await seedZohoCall(app.db, bill, { operation: "books.bills.create", statusCode: 201 });
    await seedZohoCall(app.db, bill, { operation: "oauth.refresh", statusCode: 200 }); // not quota
    const cookie = await signIn(app);
    const { html } = await page(app, "/console/", cookie);
    t.match(
      html,
      /<a href="\/console\/zoho-calls" class="warn"><span class="n">4 of 5<\/span> Zoho Books calls today \(UTC\), of the daily quota: 80 % or more used<\/a>/,
    );
    t.match((await page(app, "/console/zoho-calls", cookie)).html, /quota \(5 calls\) counts the 4 calls/);
  },
);
