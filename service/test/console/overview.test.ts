/**
 * The Overview (service/src/console/queries/overview.ts, templates/overview.eta): bills by status in
 * 24 h and 7 d, delivery rate, backlog and its oldest bill, each number linking to its list.
 */
import t from "tap";
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
  await seedZohoCall(app.db, failed, { statusCode: 400 });
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
  t.match(html, /<span class="n">1<\/span> Zoho calls today/);
  t.match(html, /href="\/console\/bills\?list=success&amp;window=7d">2</, "a number links to its list");
  const list = await page(app, "/console/bills?list=success&window=7d", cookie);
  t.equal((list.html.match(/<tr><td><a href="\/console\/bills\//g) ?? []).length, 2, "and the list holds those bills");
});
