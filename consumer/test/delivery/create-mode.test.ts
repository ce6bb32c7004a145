/**
 * Create modes (delivery/create-mode.ts) and duplicate bill numbers, through the handler against the
 * simulator: what each mode sends, how auto learns two-call for the fleet, and a taken bill number
 * recognised by looking the bill up after Zoho's 400.
 */
import t, { type Test } from "tap";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";
import { findTransaction } from "../../../lib/transactions.ts";
import type { WorkerDeps } from "../../src/deps.ts";
import { handleBill } from "../../src/handler.ts";
import { ACME, type ConsumerTestEnv, receiveOne, seedBill, setFaults, setupConsumerEnv, testDeps } from "../helper.ts";

const Call = z.object({ operation: z.string(), has_file: z.boolean(), status_code: z.number().nullable() });
const callsOf = (e: ConsumerTestEnv, id: string) =>
  e.db.any(sql.type(Call)`
    SELECT operation, (request ? 'attachment') AS has_file, status_code
    FROM api_audit_logs WHERE transaction_id = ${id} ORDER BY id`);

async function deliverOne(t: Test, e: ConsumerTestEnv, deps: WorkerDeps, billNumber?: string) {
  const bill = await seedBill(e, {
    bill: { details: { vendorId: ACME, billNumber: billNumber ?? `CM-${Date.now()}-${Math.random()}`, total: 42 } },
  });
  const m = await receiveOne(e);
  if (!m) throw new Error("no message");
  const outcome = await handleBill(m.inbound, deps);
  const row = await findTransaction(e.db, bill.transactionId);
  t.comment(`${bill.transactionId}: ${JSON.stringify(outcome)} ${row?.error_message ?? ""}`);
  return { bill, outcome, row, calls: await callsOf(e, bill.transactionId), inbound: m.inbound };
}

const simBill = (e: ConsumerTestEnv, id: string) => [...e.sim.state.organizations.values()][0]!.store.bills.get(id);
const modeKey = (e: ConsumerTestEnv) => `zoho:${e.config.ZOHO_ORGANIZATION_ID}:create-mode`;

t.test("one-call sends the bill and the PDF in one multipart request", async (t) => {
  const e = await setupConsumerEnv(t, { env: { ZOHO_CREATE_MODE: "one-call" } });
  const deps = await testDeps(t, e);
  const { row, calls } = await deliverOne(t, e, deps);
  t.equal(row?.status, "success");
  t.same(calls, [{ operation: "books.bills.create", has_file: true, status_code: 201 }]);
  t.equal(simBill(e, row!.zoho_bill_id!)?.documents.length, 1);
});

t.test("two-call creates with a JSON body, then attaches", async (t) => {
  const e = await setupConsumerEnv(t, { env: { ZOHO_CREATE_MODE: "two-call" } });
  const deps = await testDeps(t, e);
  const { row, calls } = await deliverOne(t, e, deps);
  t.equal(row?.status, "success");
  t.same(calls, [
    { operation: "books.bills.create", has_file: false, status_code: 201 },
    { operation: "books.bills.attachment.add", has_file: true, status_code: 201 },
  ]);
  t.equal(simBill(e, row!.zoho_bill_id!)?.documents.length, 1, "one document, not two");
});

t.test("auto: one call; when Zoho keeps no document, attach and remember two-call for the fleet", async (t) => {
  const e = await setupConsumerEnv(t, { env: { ZOHO_CREATE_MODE: "auto" }, sim: { ignoreCreateAttachment: true } });
  const deps = await testDeps(t, e);
  t.equal(await deps.redis.get(modeKey(e)), null, "nothing remembered yet");
  const first = await deliverOne(t, e, deps);
  t.equal(first.row?.status, "success");
  t.same(
    first.calls.map((c) => [c.operation, c.has_file]),
    [
      ["books.bills.create", true],
      ["books.bills.attachment.add", true],
    ],
  );
  t.equal(simBill(e, first.row!.zoho_bill_id!)?.documents.length, 1);
  t.equal(await deps.redis.get(modeKey(e)), "two-call", "the fleet remembers two-call");
  t.ok((await deps.redis.ttl(modeKey(e))) > 0, "for a while, not forever");

  const second = await deliverOne(t, e, deps);
  t.same(
    second.calls.map((c) => [c.operation, c.has_file]),
    [
      ["books.bills.create", false],
      ["books.bills.attachment.add", true],
    ],
    "the next bill goes straight to two calls",
  );
});

t.test("auto stays one-call while Zoho keeps the attachment", async (t) => {
  const e = await setupConsumerEnv(t);
  const deps = await testDeps(t, e);
  const { calls } = await deliverOne(t, e, deps);
  t.equal(calls.length, 1);
  t.equal(await deps.redis.get(modeKey(e)), null);
});

t.test("a taken bill number is found by vendor + number after the 400 and the PDF attached to it", async (t) => {
  const e = await setupConsumerEnv(t);
  const deps = await testDeps(t, e);
  const org = [...e.sim.state.organizations.values()][0]!;
  const vendor = org.store.vendors.get(ACME)!;
  const ledger = { currency: e.sim.state.options.currencies[0]!, taxes: new Map() };
  const existing = org.store.create(
    { bill_number: "DUP-1", date: "2026-11-20", line_items: [{ rate: 42 }] },
    vendor,
    Date.now(),
    ledger,
  );
  const { row, calls } = await deliverOne(t, e, deps, "DUP-1");
  t.equal(row?.status, "success");
  t.equal(row?.zoho_bill_id, existing.bill_id, "delivered to the bill that was already there");
  t.same(
    calls.map((c) => [c.operation, c.status_code]),
    [
      ["books.bills.create", 400],
      ["books.bills.list", 200],
      ["books.bills.attachment.add", 201],
    ],
  );
  t.equal(org.store.bills.size, 1, "no second bill");
});

t.test("a 400 that is not a duplicate fails the bill with Zoho's message", async (t) => {
  const e = await setupConsumerEnv(t);
  const deps = await testDeps(t, e);
  const bill = await seedBill(e, {
    bill: { details: { vendorId: "460000000009999", billNumber: "NOPE-1", total: 1 } },
  });
  const m = await receiveOne(e);
  const outcome = await handleBill(m!.inbound, deps);
  t.same(outcome, { action: "ack", result: "failed" });
  const row = await findTransaction(e.db, bill.transactionId);
  t.match(row?.error_message, /Invalid value passed for vendor_id \(HTTP 400/);
  t.same(
    (await callsOf(e, bill.transactionId)).map((c) => c.operation),
    ["books.bills.create", "books.bills.list"],
    "looked up before giving up",
  );
});

t.test("two-call: an attach that fails after the create is finished by the retry, without a second bill", async (t) => {
  const e = await setupConsumerEnv(t, { env: { ZOHO_CREATE_MODE: "two-call" } });
  const deps = await testDeps(t, e);
  await setFaults(e, { error5xx: { path: "/attachment", method: "POST", count: 1 } });
  const first = await deliverOne(t, e, deps);
  t.equal(first.outcome.action, "retry", "a 5xx on the attach is transient");
  t.ok(first.row?.zoho_bill_id, "the created bill's id is already on the row");
  // The entry point would send a delayed copy (applyOutcome); the same body handled again stands for it.
  const second = await handleBill({ ...first.inbound, receiveCount: 1 }, deps);
  t.same(second, { action: "ack", result: "delivered" });
  const row = await findTransaction(e.db, first.bill.transactionId);
  t.equal(row?.zoho_bill_id, first.row?.zoho_bill_id);
  t.same(
    (await callsOf(e, first.bill.transactionId)).map((c) => [c.operation, c.status_code]),
    [
      ["books.bills.create", 201],
      ["books.bills.attachment.add", 500],
      ["books.bills.get", 200],
      ["books.bills.attachment.add", 201],
    ],
  );
  const org = [...e.sim.state.organizations.values()][0]!;
  t.equal(org.store.bills.size, 1, "one bill");
  t.equal(simBill(e, row!.zoho_bill_id!)?.documents.length, 1, "one document");
});
