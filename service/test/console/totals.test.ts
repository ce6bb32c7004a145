/**
 * Totals that differ (issue 14): the worker records Zoho's computed total and the difference on a
 * delivered bill (consumer/src/delivery/total-check.ts). The console lists the delivered bills with a
 * difference (routes/totals.ts), counts them on the Overview with a link, and each bill's page shows
 * NetSuite's total, Zoho's and the difference, flagged in words when it is not zero.
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

async function delivered(
  ns: string,
  total: number | undefined,
  currencyCode: string,
  recorded: [string, string | null] | null,
  doneAgoMs = H,
) {
  const id = await seedBill(app.db, {
    netsuiteBillId: ns,
    status: "success",
    bill: { details: { vendorName: "Acme Supplies", billNumber: `INV-${ns}`, total, currencyCode } },
  });
  await app.db.query(sql.type(z.object({}))`
    UPDATE transactions SET zoho_total = ${recorded?.[0] ?? null}, total_difference = ${recorded?.[1] ?? null},
      completed_at = now() - make_interval(secs => ${doneAgoMs / 1000}) WHERE id = ${id}`);
  return id;
}

const ids = {
  under: await delivered("NS-UNDER", 121, "EUR", ["100", "-21"], 2 * H),
  over: await delivered("NS-OVER", 1000, "JPY", ["1010", "10"], 1 * H),
  equal: await delivered("NS-EQUAL", 121, "EUR", ["121", "0"]),
  noTotal: await delivered("NS-NOTOTAL", undefined, "EUR", ["50", null]),
  notYet: await delivered("NS-NOTYET", 75, "EUR", null),
};
// A failed row never carries a difference in practice; if one did, it is not a delivered bill.
const failed = await seedBill(app.db, { netsuiteBillId: "NS-FAILED", status: "failed" });
await app.db.query(
  sql.type(z.object({}))`UPDATE transactions SET zoho_total = 1, total_difference = 1 WHERE id = ${failed}`,
);

const cellsOf = (html: string) => {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...(m[1] ?? "").matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) =>
      (c[1] ?? "")
        .replace(/<[^>]+>/g, "")
        .replace(/\s+/g, " ")
        .trim(),
    ),
  );
};

t.test(
  "the list holds the delivered bills whose totals differ, newest delivery first, in the clerk's columns",
  async (t) => {
    const { res, html } = await page(app, "/console/totals", cookie);
    t.equal(res.statusCode, 200);
    t.match(html, /<caption>2 delivered bills with a difference<\/caption>/);
    const rows = cellsOf(html);
    t.same(
      rows.map((r) => r.slice(0, 6)),
      [
        ["NS-OVER", "Acme Supplies", "INV-NS-OVER", "JPY 1,000", "JPY 1,010", "+JPY 10"],
        ["NS-UNDER", "Acme Supplies", "INV-NS-UNDER", "EUR 121.00", "EUR 100.00", "-EUR 21.00"],
      ],
    );
    t.match(rows[0]?.[6], /UTC$/, "delivered at");
    t.match(html, `<a href="/console/bills/${ids.over}">NS-OVER</a>`, "each links to its bill");
  },
);

t.test("the Overview counts them and links to the list", async (t) => {
  const { html } = await page(app, "/console/", cookie);
  t.match(
    html,
    /<a href="\/console\/totals" class="warn"><span class="n">2<\/span> delivered bills whose Zoho total differs from NetSuite's<\/a>/,
  );
});

t.test("a bill's page: NetSuite's total, Zoho's, the difference, flagged in words when not zero", async (t) => {
  const facts = async (id: string) => {
    const { res, html } = await page(app, `/console/bills/${id}`, cookie);
    t.equal(res.statusCode, 200);
    const dd = (field: string) =>
      (new RegExp(`<dd id="${field}">([\\s\\S]*?)</dd>`).exec(html)?.[1] ?? "")
        .replace(/<[^>]+>/g, "")
        .replace(/\s+/g, " ")
        .trim();
    return {
      netsuite: dd("netsuite-total"),
      zoho: dd("zoho-total"),
      difference: dd("total-difference"),
      // The flag's line: its own span holds a decorative one (aria-hidden), so read to the line's last </span>.
      flag:
        /id="totals-flag">(.*)<\/span>/
          .exec(html)?.[1]
          ?.replace(/<[^>]+>/g, "")
          .replace(/&#39;/g, "'")
          .replace(/\s+/g, " ") ?? null, // amounts carry a no-break space
      html,
    };
  };
  const under = await facts(ids.under);
  t.match(under, { netsuite: "EUR 121.00", zoho: "EUR 100.00", difference: "Warning: the totals differ: -EUR 21.00" });
  t.equal(under.flag, "⚠ Zoho's total differs from NetSuite's by -EUR 21.00", "said at the top of the page");
  t.match(under.html, /<span class="sr-only">Warning: the totals differ: <\/span>/, "for screen readers too");
  t.match(
    under.html,
    /<tr class="differs"><th scope="row">Total \(Zoho&#39;s: computed from the lines\)<\/th><td>121<\/td><td>100 <strong class="diff">differs<\/strong>/,
    "the comparison table flags the total",
  );
  const equal = await facts(ids.equal);
  t.match(equal, { netsuite: "EUR 121.00", zoho: "EUR 121.00", difference: "none", flag: null });
  t.notMatch(equal.html, /class="differs"/);
  t.match(await facts(ids.noTotal), { zoho: "EUR 50.00", difference: "— (NetSuite sent no total)", flag: null });
  t.match(await facts(ids.notYet), {
    netsuite: "EUR 75.00",
    zoho: "— (recorded once Zoho has the bill)",
    difference: "—",
  });
});

t.test("without differences the list is empty", async (t) => {
  await app.db.query(sql.type(z.object({}))`UPDATE transactions SET total_difference = 0 WHERE total_difference <> 0`);
  const { html } = await page(app, "/console/totals", cookie);
  t.match(html, /<caption>0 delivered bills with a difference<\/caption>/);
  t.same(cellsOf(html), []);
});
