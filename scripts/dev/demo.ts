/**
 * Sends one NetSuite-shaped bill to the local ingest service and follows it until the Zoho Books
 * simulator holds the bill with the PDF attached. Prints each hop and where to look.
 * Env: SERVICE_URL, API_KEY, ZOHO_SIM_URL (scripts/dev/local-up.sh sets them).
 */
import { createHash } from "node:crypto";
import { eurBill } from "../../lib/testing/eur-bill.ts";
import { billDetails, INGEST_PATH } from "../../loadtest/shared/payload.ts";
import { createPdfTemplate, stampPdf } from "../../loadtest/shared/pdf.ts";

const serviceUrl = process.env.SERVICE_URL ?? "http://127.0.0.1:3000";
const apiKey = process.env.API_KEY ?? "";
const simUrl = process.env.ZOHO_SIM_URL ?? "http://127.0.0.1:58080";
const step = (s: string) => console.log(`\x1b[1;32m-->\x1b[0m ${s}`);

const netsuiteBillId = `VB-DEMO-${Date.now()}`;
const pdf = stampPdf(createPdfTemplate(40 * 1024, "demo"), netsuiteBillId);
const sha256 = createHash("sha256").update(pdf).digest("hex");
const body = {
  netsuiteBillId,
  fileName: `${netsuiteBillId}.pdf`,
  mimeType: "application/pdf",
  base64Data: Buffer.from(pdf).toString("base64"),
  // Three expense lines with VAT, in EUR, on the vendor, accounts and tax code local-up.sh maps.
  billDetails: { ...billDetails(netsuiteBillId), lineItems: undefined, ...eurBill() },
};

step(
  `POST ${serviceUrl}${INGEST_PATH}  netsuiteBillId=${netsuiteBillId}  pdf=${pdf.byteLength} bytes sha256=${sha256.slice(0, 16)}…`,
);
const res = await fetch(`${serviceUrl}${INGEST_PATH}`, {
  method: "POST",
  headers: { "content-type": "application/json", "x-api-key": apiKey },
  body: JSON.stringify(body),
});
const accepted = (await res.json()) as { transactionId?: string; statusUrl?: string; message?: string };
step(
  `${res.status} ${res.statusText}  transactionId=${accepted.transactionId}  Location=${res.headers.get("location")}`,
);
if (res.status !== 202 || !accepted.transactionId) {
  console.error(accepted);
  process.exit(1);
}

const statusUrl = new URL(`/api/v1/transactions/${accepted.transactionId}`, serviceUrl);
const deadline = Date.now() + 60_000;
let tx: { status: string; zohoBillId?: string | null; errorMessage?: string | null } = { status: "pending" };
let last = "";
while (Date.now() < deadline) {
  const r = await fetch(statusUrl, { headers: { "x-api-key": apiKey } });
  tx = (await r.json()) as typeof tx;
  if (tx.status !== last) step(`status: ${tx.status}`);
  last = tx.status;
  if (tx.status === "success" || tx.status === "failed") break;
  await new Promise((r) => setTimeout(r, 250));
}
if (tx.status !== "success") {
  console.error("delivery did not succeed:", tx);
  process.exit(1);
}

const bills = (await (await fetch(`${simUrl}/__sim/bills`)).json()) as {
  bills: {
    bill_id: string;
    bill_number: string;
    vendor_name?: string;
    documents?: { file_name: string; sha256: string; size: number }[];
    line_items?: { account_id?: string; name?: string; rate: number; quantity: number; item_total: number }[];
    currency_code?: string;
    total?: number;
  }[];
};
const zohoBill = bills.bills.find((b) => b.bill_id === tx.zohoBillId);
if (!zohoBill) {
  console.error(`Zoho bill ${tx.zohoBillId} not found in the simulator`);
  process.exit(1);
}
for (const l of zohoBill.line_items ?? []) {
  step(`  line ${l.name || l.account_id || "-"}: ${l.rate} x ${l.quantity} = ${l.item_total}`);
}
step(`total in Zoho ${zohoBill.currency_code} ${zohoBill.total}; NetSuite sent ${body.billDetails.total}`);
const doc = zohoBill.documents?.[0];
step(
  `Zoho Books simulator: bill ${zohoBill.bill_id} (${zohoBill.bill_number}, ${zohoBill.vendor_name}) with ${zohoBill.documents?.length ?? 0} attachment(s)`,
);
step(
  `attachment ${doc?.file_name} sha256 ${doc?.sha256 === sha256 ? "matches" : "DIFFERS from"} the PDF NetSuite sent`,
);
if (doc?.sha256 !== sha256) process.exit(1);

console.log(`
Where to look:
  logs              .local/service.log  .local/worker.log  .local/zoho-sim.log
  transaction       curl -s -H "x-api-key: $API_KEY" ${statusUrl}    (API_KEY in .local/stack.env)
  database          psql "$DATABASE_URL" -c "select id, netsuite_bill_id, status, zoho_bill_id from transactions order by created_at desc limit 5"
  audit log         psql "$DATABASE_URL" -c "select operation, status_code, duration_ms from api_audit_logs where transaction_id = '${accepted.transactionId}'"
  simulator         curl -s ${simUrl}/__sim/stats | head -c 600
  all settings      source .local/stack.env
  stop everything   npm run local:down
`);
