/**
 * One admin key must not be able to change a bill's money and have it created in Zoho (issue 16.3):
 * through the admin API, a retry whose fix changes the total, a line amount or the currency is
 * 400 ERR_FIX_CHANGES_MONEY, and the row, the queue and the operator actions stay as they were;
 * the same retry fixing only the vendor goes through (so the refusal is about money, not the route).
 */
import t from "tap";
import { listOperatorActions } from "../../../lib/operations/operator-actions.ts";
import { eurBill, withLine } from "../../../lib/testing/eur-bill.ts";
import { seedBill } from "../../../lib/testing/seed.ts";
import { findTransaction } from "../../../lib/transactions.ts";
import { build, receiveAll } from "../helper.ts";
import { ADMIN_API_KEYS, adminHeaders as headers } from "../routes/admin/keys.ts";

const details = { ...eurBill(), billNumber: "B-16", vendorId: "111" };

const moneyFixes: Array<[string, object]> = [
  ["the total and a line", { total: 131, expenseLines: withLine(details, 1, { amount: 50 }) }],
  ["the currency", { currencyCode: "USD" }],
];

t.test("an admin retry whose fix changes money is refused and changes nothing", async (t) => {
  const { app, env } = await build(t, { ADMIN_API_KEYS });
  const retry = (id: string, fix: object) =>
    app.inject({
      method: "POST",
      url: "/admin/v1/errors/retry",
      headers,
      payload: { ids: [id], operator: "alice", reason: "vendor fixed", fix: { details: fix } },
    });

  for (const [what, fix] of moneyFixes) {
    const id = await seedBill(app.db, { bill: { details } });
    const before = await findTransaction(app.db, id);
    const res = await retry(id, fix);
    t.equal(res.statusCode, 400, what);
    t.equal(res.json().code, "ERR_FIX_CHANGES_MONEY", what);
    t.same(await findTransaction(app.db, id), before, `${what}: the row is untouched`);
    t.same(await listOperatorActions(app.db, { transactionId: id }), [], `${what}: no operator action`);
  }
  t.same(await receiveAll(env), [], "nothing was queued for Zoho");

  const id = await seedBill(app.db, { bill: { details } });
  const vendorOnly = await retry(id, { vendorId: "222" });
  t.equal(vendorOnly.statusCode, 200, "a fix of the vendor alone is applied");
  t.match(vendorOnly.json(), { requeued: [{ id }] });
  t.match((await findTransaction(app.db, id))?.bill, { details: { vendorId: "222", total: 480 } });
});
