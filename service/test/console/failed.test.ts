/**
 * The Failed bills page (service/src/console/routes/failed.ts, templates/failed.eta): the clerk's
 * columns, and the vendor, date (received) and reason filters, alone and together.
 */
import t from "tap";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";
import { seedBill } from "../../../lib/testing/seed.ts";
import { build } from "../helper.ts";
import { ADMIN_API_KEYS, page, signIn } from "./helper.ts";

const H = 3_600_000;
const { app } = await build(t, { ADMIN_API_KEYS });
const cookie = await signIn(app);

const failed = (ns: string, vendorName: string, ageMs: number, errorMessage: string) =>
  seedBill(app.db, {
    netsuiteBillId: ns,
    ageMs,
    errorMessage,
    bill: { details: { billNumber: `INV-${ns}`, vendorName, total: 1250.5, currencyCode: "EUR" } },
  });
const vendorError = "Zoho rejected books.bills.create: Invalid value passed for vendor_id (HTTP 400, code 1002)";
const ids = {
  recent: await failed("NS-RECENT", "Acme Supplies", 1 * H, vendorError),
  middle: await failed("NS-MIDDLE", "Globex Corporation", 72 * H, vendorError),
  old: await failed("NS-OLD", "Acme Corp", 240 * H, "no mapping for NetSuite account 118 (Office supplies)"),
};
const createdDay = async (id: string) =>
  app.db.oneFirst(sql.type(z.object({ d: z.string() }))`
    SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d FROM transactions WHERE id = ${id}`);

/** The NetSuite bill ids listed for a query, and each row's cells. */
async function listed(query: string) {
  const { res, html } = await page(app, `/console/failed${query}`, cookie);
  t.equal(res.statusCode, 200, query);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...(m[1] ?? "").matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) =>
      (c[1] ?? "")
        .replace(/<details>[\s\S]*<\/details>/, "")
        .replace(/<[^>]+>/g, "")
        .replace(/\s+/g, " ") // Intl puts a no-break space between currency and amount
        .trim(),
    ),
  );
  return { ids: rows.map((r) => r[1]).sort(), rows };
}

t.test("each row shows what the clerk recognises", async (t) => {
  const { rows } = await listed("");
  const recent = rows.find((r) => r[1] === "NS-RECENT");
  t.match(recent, [
    "",
    "NS-RECENT",
    "Acme Supplies",
    "INV-NS-RECENT",
    "EUR 1,250.50",
    /^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$/,
    "Zoho Books does not know this vendor: fix the vendor and retry",
  ]);
  t.equal(rows.length, 3);
});

t.test("vendor, date and reason filters narrow the list", async (t) => {
  t.same((await listed("?vendor=acme")).ids, ["NS-OLD", "NS-RECENT"], "vendor: part of the name, any case");
  t.same((await listed("?reason=mapping")).ids, ["NS-OLD"], "reason in plain words");
  t.same((await listed("?reason=vendor")).ids, ["NS-MIDDLE", "NS-RECENT"]);
  const [recentDay, middleDay, oldDay] = await Promise.all([
    createdDay(ids.recent),
    createdDay(ids.middle),
    createdDay(ids.old),
  ]);
  t.same((await listed(`?from=${middleDay}&to=${recentDay}`)).ids, ["NS-MIDDLE", "NS-RECENT"], "received between");
  t.same((await listed(`?to=${oldDay}`)).ids, ["NS-OLD"], "to: that whole day included");
  t.same((await listed(`?from=${middleDay}&vendor=acme&reason=vendor`)).ids, ["NS-RECENT"], "all three at once");
  t.same((await listed("?vendor=initech")).ids, [], "no match, no rows");
});
