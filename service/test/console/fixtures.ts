/**
 * Bills for the console's browser test, stored the way ingest stores them (object, row; the
 * consumer's seedBill): one the worker really fails (a vendor id Zoho Books does not know), and
 * ones whose history is an outage (five attempts answered 503), which a retry as-is delivers.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ACME, type ConsumerTestEnv, seedBill } from "../../../consumer/test/helper.ts";
import { sql } from "../../../lib/db.ts";
import { upsertMapping } from "../../../lib/mappings/mappings.ts";
import { seedZohoCall } from "../../../lib/testing/seed.ts";

/** Not among the simulator's vendors (DEFAULT_VENDORS). */
export const UNKNOWN_VENDOR = "460000000099999";
const noRows = sql.type(z.object({}));

const details = (vendorId: string, billNumber: string, total: number) => ({
  details: {
    vendorId,
    vendorName: "Acme Supplies",
    billNumber,
    date: "2026-11-20",
    total,
    currencyCode: "EUR",
  },
});

/** Sent to the queue with a vendor id Zoho does not know: the worker fails it. */
export async function billWithUnknownVendor(e: ConsumerTestEnv) {
  const netsuiteBillId = `NS-VEND-${randomUUID().slice(0, 6)}`;
  return seedBill(e, { netsuiteBillId, bill: details(UNKNOWN_VENDOR, `INV-${netsuiteBillId}`, 1250.5) });
}

/** Failed after Zoho answered 503 five times (as the failure policy leaves it); a retry delivers it. */
export async function billFailedInOutage(e: ConsumerTestEnv, prefix: string) {
  const netsuiteBillId = `${prefix}-${randomUUID().slice(0, 6)}`;
  const seeded = await seedBill(e, { netsuiteBillId, send: false, bill: details(ACME, `INV-${netsuiteBillId}`, 99.9) });
  await e.db.query(noRows`
    UPDATE transactions SET status = 'failed', retry_count = 5, last_attempt_at = now(), enqueued_at = now(),
      error_message = 'gave up after 5 attempts: Zoho books.bills.create answered 503: Service temporarily unavailable'
    WHERE id = ${seeded.transactionId}`);
  await seedZohoCall(e.db, seeded.transactionId, {
    operation: "books.bills.create",
    statusCode: 503,
    message: "Service temporarily unavailable",
  });
  return seeded;
}

/** The simulator's "Office Supplies" expense account (scripts/zoho-sim/ledger.ts). */
const OFFICE_SUPPLIES = "460000000000900";

/**
 * Sent to the queue with one expense line 0.50 short of NetSuite's total (ingest would refuse it; a
 * bill edited in NetSuite after its lines were read looks like this). The worker delivers it and
 * Zoho, which totals the lines, answers 1,250.00 against NetSuite's 1,250.50: a difference of -0.50.
 */
export async function billShortOfItsTotal(e: ConsumerTestEnv) {
  await upsertMapping(
    e.db,
    { kind: "account", netsuiteKey: "58", zohoId: OFFICE_SUPPLIES, netsuiteName: "Office supplies" },
    { actor: "test-fixture", reason: "console browser test", channel: "script" },
  );
  const netsuiteBillId = `NS-TOTAL-${randomUUID().slice(0, 6)}`;
  const bill = details(ACME, `INV-${netsuiteBillId}`, 1250.5);
  return seedBill(e, {
    netsuiteBillId,
    bill: { details: { ...bill.details, expenseLines: [{ account: { id: "58" }, amount: 1250, memo: "Paper" }] } },
  });
}

const Row = z.object({ status: z.string(), resolved_by: z.string().nullable(), bill: z.unknown() });
export const rowOf = (e: ConsumerTestEnv, id: string) =>
  e.db.one(sql.type(Row)`SELECT status, resolved_by, bill FROM transactions WHERE id = ${id}`);

const Action = z.object({
  actor: z.string(),
  action: z.string(),
  channel: z.string(),
  reason: z.string(),
  details: z.unknown(),
});
export const actionsOn = (e: ConsumerTestEnv, id: string) =>
  e.db.any(sql.type(Action)`
    SELECT actor, action, channel, reason, details FROM operator_actions
    WHERE transaction_ids @> ARRAY[${id}]::uuid[] ORDER BY id`);

/** The bills the Zoho simulator holds with this bill number, in every organization. */
export function simBills(e: ConsumerTestEnv, billNumber: string) {
  return [...e.sim.state.organizations.values()].flatMap((org) =>
    [...org.store.bills.values()].filter((b) => b.bill_number === billNumber),
  );
}

export const mappingActions = (e: ConsumerTestEnv) =>
  e.db.any(sql.type(Action)`
    SELECT actor, action, channel, reason, details FROM operator_actions WHERE action = 'mapping-set' ORDER BY id`);
