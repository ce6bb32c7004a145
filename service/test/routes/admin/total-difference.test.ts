/** The admin failed-bill views show Zoho's total and its difference from NetSuite's (issue 14). */
import t from "tap";
import { z } from "zod";
import { sql } from "../../../../lib/db.ts";
import { seedBill } from "../../../../lib/testing/seed.ts";
import { build } from "../../helper.ts";
import { ADMIN_API_KEYS, adminHeaders as headers } from "./keys.ts";

t.test("list and detail carry zohoTotal and totalDifference", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  const differing = await seedBill(app.db, { status: "success" });
  await app.db.query(sql.type(z.object({}))`
    UPDATE transactions SET zoho_total = 100, total_difference = -20 WHERE id = ${differing}`);
  const detail = await app.inject({ method: "GET", url: `/admin/v1/errors/${differing}`, headers });
  t.equal(detail.statusCode, 200);
  t.match(detail.json().item, { zohoTotal: "100.0000", totalDifference: "-20.0000" });

  const failed = await seedBill(app.db);
  const list = await app.inject({ method: "GET", url: "/admin/v1/errors", headers });
  const item = list.json().items.find((i: { transactionId: string }) => i.transactionId === failed);
  t.match(item, { zohoTotal: null, totalDifference: null }, "not delivered: nothing to compare");
});
