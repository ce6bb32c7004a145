/** GET /admin/v1/total-differences: delivered bills whose Zoho total differs from NetSuite's (issue 14). */
import t from "tap";
import { z } from "zod";
import { sql } from "../../../../lib/db.ts";
import { seedBill } from "../../../../lib/testing/seed.ts";
import { build } from "../../helper.ts";
import { ADMIN_API_KEYS, adminHeaders as headers } from "./keys.ts";

t.test("lists the delivered bills with a difference, newest first, amounts as decimal strings", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  const record = async (total: number, zoho: string, diff: string, agoS: number) => {
    const id = await seedBill(app.db, {
      status: "success",
      bill: { details: { billNumber: `B-${agoS}`, total, currencyCode: "EUR" } },
    });
    await app.db.query(sql.type(z.object({}))`
      UPDATE transactions SET zoho_total = ${zoho}, total_difference = ${diff},
        completed_at = now() - make_interval(secs => ${agoS}) WHERE id = ${id}`);
    return id;
  };
  const older = await record(121, "100", "-21", 60);
  const newer = await record(10.5, "10.6", "0.1", 5);
  await record(50, "50", "0", 1);
  const res = await app.inject({ method: "GET", url: "/admin/v1/total-differences", headers });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.total, 2);
  t.match(body.items, [
    {
      transactionId: newer,
      netsuiteTotal: "10.5",
      zohoTotal: "10.6000",
      totalDifference: "0.1000",
      currencyCode: "EUR",
    },
    { transactionId: older, netsuiteTotal: "121", zohoTotal: "100.0000", totalDifference: "-21.0000" },
  ]);
  t.match(body.items[0].deliveredAt, /^\d{4}-\d{2}-\d{2}T/);
  const one = await app.inject({ method: "GET", url: "/admin/v1/total-differences?limit=1", headers });
  t.match(one.json(), { total: 2, items: [{ transactionId: newer }] });
  t.equal(one.json().items.length, 1);
  t.equal((await app.inject({ method: "GET", url: "/admin/v1/total-differences?limit=0", headers })).statusCode, 400);
  t.equal(
    (await app.inject({ method: "GET", url: "/admin/v1/total-differences" })).statusCode,
    401,
    "admin key needed",
  );
});
