/**
 * Finance truth end to end (issue 14): NetSuite-shaped bills POSTed to the ingest service reach the
 * Zoho Books simulator through a worker process with their lines, tax, currency and total; a bill
 * with only a total lands on the default account; an unmapped account fails the bill naming it and
 * the bill is delivered after the mapping is added and the bill retried. `npm run local`'s demo
 * (scripts/dev/demo.ts) run against this stack prints the lines and the total. Every create body the
 * worker sent (the audit log) matches Zoho's create-a-bill schema.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import t from "tap";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";
import { upsertMapping } from "../../../lib/mappings/mappings.ts";
import { retryFailedBills } from "../../../lib/operations/retry.ts";
import { eurBill } from "../../../lib/testing/eur-bill.ts";
import { DEFAULT_CURRENCIES, DEFAULT_TAXES } from "../../../scripts/zoho-sim/app.ts";
import { CreateBillRequest } from "../../src/zoho/schemas/bills.ts";
import { ACME, setupConsumerEnv, spawnWorker, waitFor } from "../helper.ts";
import { startService } from "./service.ts";

const e = await setupConsumerEnv(t);
const service = await startService(t, e);
spawnWorker(t, e);

const operator = { actor: "test", reason: "issue 14 e2e", channel: "script" as const };
const EUR = DEFAULT_CURRENCIES.find((c) => c.code === "EUR")!;
const VAT20 = DEFAULT_TAXES.find((x) => x.percentage === 20)!;
const OFFICE = "460000000000900";
const TRAVEL = "460000000000901";
const IT = "460000000000902";

for (const [kind, netsuiteKey, zohoId] of [
  ["vendor", "Acme Supplies", ACME],
  ["account", "58", OFFICE],
  ["account", "59", TRAVEL],
  ["account", "60", IT],
  ["tax", "5", VAT20.taxId],
] as const) {
  await upsertMapping(e.db, { kind, netsuiteKey, zohoId }, operator);
}

const Row = z.object({
  status: z.string(),
  error_message: z.string().nullable(),
  zoho_bill_id: z.string().nullable(),
  zoho_total: z.string().nullable(),
  total_difference: z.string().nullable(),
});
const rowOf = (id: string) =>
  e.db.one(sql.type(Row)`
    SELECT status, error_message, zoho_bill_id, zoho_total::text, total_difference::text FROM transactions WHERE id = ${id}`);
const settled = (id: string, statuses = ["success", "failed"]) =>
  waitFor(`transaction ${id} settled`, async () => {
    const r = await rowOf(id);
    return statuses.includes(r.status) ? r : null;
  });
const simBill = (id: string) => [...e.sim.state.organizations.values()][0]!.store.bills.get(id)!;

async function post(details: Record<string, unknown>): Promise<string> {
  const netsuiteBillId = `FIN-${randomUUID().slice(0, 8)}`;
  const res = await service.postBill(netsuiteBillId, {
    billNumber: `VB-${netsuiteBillId}`,
    date: "2026-11-20",
    ...details,
  });
  if (res.status !== 202 || !res.body.transactionId) throw new Error(`not accepted: ${JSON.stringify(res)}`);
  return res.body.transactionId;
}

t.test("three expense lines with VAT in EUR land with equal total, lines and currency", async (t) => {
  const id = await post(eurBill());
  const row = await settled(id);
  t.equal(row.status, "success", row.error_message ?? "");
  t.same(
    { zohoTotal: row.zoho_total, difference: row.total_difference },
    { zohoTotal: "480.0000", difference: "0.0000" },
  );
  const bill = simBill(row.zoho_bill_id!);
  t.match(bill, {
    vendor_id: ACME,
    currency_id: EUR.currencyId,
    currency_code: "EUR",
    exchange_rate: 1.08,
    sub_total: 400,
    tax_total: 80,
    total: 480,
  });
  t.same(
    bill.line_items.map((l) => [l.account_id, l.rate, l.quantity, l.tax_id, l.description]),
    [
      [OFFICE, 100, 1, VAT20.taxId, "Paper"],
      [TRAVEL, 250.5, 1, VAT20.taxId, "Train tickets"],
      [IT, 49.5, 1, VAT20.taxId, "Cloud backup"],
    ],
  );
  t.equal(bill.documents.length, 1, "the PDF is attached");
});

t.test("a bill with only a total gets one line on the default expense account", async (t) => {
  const id = await post({ vendorName: "Acme Supplies", currencyCode: "USD", total: 123.45 });
  const row = await settled(id);
  t.equal(row.status, "success", row.error_message ?? "");
  const bill = simBill(row.zoho_bill_id!);
  t.equal(bill.line_items.length, 1);
  t.match(bill.line_items[0], { account_id: e.config.ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID, rate: 123.45, quantity: 1 });
  t.equal(bill.total, 123.45);
  t.equal(row.total_difference, "0.0000");
});

t.test("an unmapped account fails the bill naming it; after the mapping, a retry delivers it", async (t) => {
  const id = await post({
    vendorName: "Acme Supplies",
    expenseLines: [{ account: { id: "77", name: "Marketing" }, amount: 75 }],
    total: 75,
  });
  const failed = await settled(id);
  t.equal(failed.status, "failed");
  t.match(failed.error_message, /unmapped NetSuite account 77 "Marketing"/);
  t.equal(failed.zoho_bill_id, null, "nothing was created in Zoho");

  await upsertMapping(
    e.db,
    { kind: "account", netsuiteKey: "77", zohoId: TRAVEL, netsuiteName: "Marketing" },
    operator,
  );
  const retried = await retryFailedBills({ db: e.db, sqs: e.sqs, queueUrl: e.queueUrl }, { ids: [id], operator });
  t.equal(retried.requeued.length, 1);
  const row = await settled(id, ["success"]);
  const bill = simBill(row.zoho_bill_id!);
  t.match(bill.line_items, [{ account_id: TRAVEL, rate: 75 }]);
  t.equal(bill.total, 75);
});

t.test("npm run local's demo prints the bill's lines and its total from Zoho", async (t) => {
  // The same mappings as local-up.sh sets (vendor, accounts 58-60, tax 5): the demo's bill needs no others.
  const demo = fileURLToPath(new URL("../../../scripts/dev/demo.ts", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [demo], {
    env: { ...process.env, SERVICE_URL: service.base, API_KEY: service.apiKey, ZOHO_SIM_URL: e.sim.url },
    timeout: 60_000,
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the demo colours its arrows
  const out = stdout.replace(/\x1b\[[0-9;]*m/g, "");
  t.match(out, /status: success/);
  t.same(
    [...out.matchAll(/ {2}line (\S+): (\S+) x (\S+) = (\S+)/g)].map((m) => m.slice(1)),
    [
      [OFFICE, "100", "1", "100"],
      [TRAVEL, "250.5", "1", "250.5"],
      [IT, "49.5", "1", "49.5"],
    ],
    "three lines, each on its mapped account",
  );
  t.match(out, /total in Zoho EUR 480; NetSuite sent 480/);
  t.match(out, /with 1 attachment\(s\)/);
  t.match(out, /sha256 matches the PDF NetSuite sent/);
});

t.test("every create body the worker sent matches Zoho's create-a-bill schema", async (t) => {
  const bodies = await e.db.anyFirst(sql.type(z.object({ bill: z.unknown() }))`
    SELECT request->'bill' AS bill FROM api_audit_logs WHERE operation = 'books.bills.create'`);
  t.ok(bodies.length >= 4, `${bodies.length} create calls`);
  for (const body of bodies) t.ok(CreateBillRequest.safeParse(body).success, JSON.stringify(body));
});
