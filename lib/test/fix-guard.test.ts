/**
 * An operator's fix may correct vendor, accounts and references, never money (issue 16): a fix that
 * changes an amount, the tax, the currency or the exchange rate is refused and changes nothing.
 */
import t from "tap";
import { createDb } from "../db.ts";
import { listOperatorActions, type Operator } from "../operations/operator-actions.ts";
import { retryFailedBills } from "../operations/retry.ts";
import { eurBill, withLine } from "../testing/eur-bill.ts";
import { setupTestEnv } from "../testing/harness.ts";
import { seedBill } from "../testing/seed.ts";
import { findTransaction } from "../transactions.ts";

const env = await setupTestEnv(t);
const db = await createDb({ DATABASE_URL: env.databaseUrl });
t.teardown(() => db.end());
const who: Operator = { actor: "alice", reason: "vendor mapping fixed", channel: "cli" };
const deps = { db, sqs: env.sqs, queueUrl: env.queueUrl, dlqUrl: env.dlqUrl };
const details = { ...eurBill(), billNumber: "B-9", vendorId: "111" };

const moneyChanges: Array<[string, object]> = [
  ["the total", { ...details, total: 131 }],
  ["a line amount", { ...details, expenseLines: withLine(details, 1, { amount: 50 }) }],
  ["the currency", { ...details, currencyCode: "USD" }],
  ["the exchange rate", { ...details, exchangeRate: 1.2 }],
  ["a line's tax", { ...details, expenseLines: withLine(details, 1, { taxAmount: 0 }) }],
];

for (const [what, fixed] of moneyChanges) {
  t.test(`a fix that changes ${what} is refused and changes nothing`, async (t) => {
    const id = await seedBill(db, { bill: { details } });
    const before = await findTransaction(db, id);
    const err = await retryFailedBills(deps, { ids: [id], operator: who, billFix: { details: fixed } }).catch(
      (e: unknown) => e,
    );
    t.match(err, { name: "OperationError", code: "ERR_FIX_CHANGES_MONEY" });
    const after = await findTransaction(db, id);
    t.same(after, before, "the row is untouched");
    t.same(await listOperatorActions(db, { transactionId: id }), [], "no operator action recorded");
  });
}

t.test("a fix of the vendor and a line's account keeps the money and is applied", async (t) => {
  const id = await seedBill(db, { bill: { details } });
  const lines = withLine(details, 0, { account: { id: "77" } });
  const result = await retryFailedBills(deps, {
    ids: [id],
    operator: who,
    billFix: { details: { vendorId: "222", expenseLines: lines } },
  });
  t.same(
    result.requeued.map((r) => r.id),
    [id],
  );
  const after = await findTransaction(db, id);
  t.match(after?.bill, {
    details: {
      vendorId: "222",
      expenseLines: [{ account: { id: "77" } }, { account: { id: "59" } }, { account: { id: "60" } }],
    },
  });
});
