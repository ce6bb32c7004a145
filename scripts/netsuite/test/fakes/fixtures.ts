/** Shared test setup: a configured fake account with the two API Secrets and one sendable bill. */
import { randomBytes } from "node:crypto";
import type { BillCandidate } from "../../ts/core/bill-source.ts";
import type { ClientConfig } from "../../ts/core/config.ts";
import { createBudget } from "../../ts/core/governance.ts";
import type { FakeBillRecord } from "./loaded-record.ts";
import { createFakeNetSuite, type FakeNetSuite, type FakeState, pdfBytes } from "./n-modules.ts";

export const API_KEY = "test-api-key-0123456789";
/** Standard Webhooks secret as the service stores it. NetSuite's API Secret holds the part after whsec_. */
export const SIGNING_KEY_B64 = randomBytes(32).toString("base64");
export const WEBHOOK_SECRET = `whsec_${SIGNING_KEY_B64}`;

export const CONFIG: ClientConfig = {
  baseUrl: "https://bills.example.com",
  apiKeySecretId: "custsecret_mw_api_key",
  signingSecretId: null,
  maxFileBytes: 10_485_760,
  maxAttempts: 3,
  backoffMs: 1000,
  maxBackoffMs: 8000,
};

export function mrParameters(prefix: string, overrides: Record<string, string | number> = {}) {
  return {
    [`${prefix}base_url`]: CONFIG.baseUrl,
    [`${prefix}api_key_secret`]: CONFIG.apiKeySecretId,
    ...overrides,
  };
}

export function fakeAccount(init: Partial<FakeState> = {}): FakeNetSuite {
  const fake = createFakeNetSuite({
    secrets: { custsecret_mw_api_key: API_KEY, custsecret_mw_signing: SIGNING_KEY_B64 },
    files: {
      "501": { name: "INV-1001.pdf", fileType: "PDF", size: 2048, bytes: pdfBytes(2048) },
    },
    bills: [
      {
        id: "101",
        tranid: "INV-1001",
        transactionnumber: "VENDBILL42",
        vendorId: "77",
        vendorName: "Acme Supplies",
        trandate: "2026-11-02",
        duedate: "2026-12-02",
        currency: "USD",
        fxamount: "-1250.50",
        fileIds: ["501"],
        fields: {},
      },
    ],
    ...init,
  });
  return fake;
}

export const CANDIDATE: BillCandidate = {
  billId: "101",
  fileId: "501",
  fileName: "INV-1001.pdf",
  bill: { billNumber: "INV-1001", referenceNumber: "VENDBILL42", vendorName: "Acme Supplies" },
};

export function mapBudget(fake: FakeNetSuite) {
  return createBudget(fake.n, fake.host, { reserveUnits: 0, timeLimitMs: 300_000 });
}

export function accepted(transactionId = "6f1c1c9e-1111-4a4a-9b9b-000000000001", code = 202) {
  return {
    code,
    body: JSON.stringify({ transactionId, status: "pending", statusUrl: `/api/v1/transactions/${transactionId}` }),
    headers: { "Content-Type": "application/json" },
  };
}

/** The record behind the README's sample: three expense lines with 19 % VAT, in EUR. */
export const EUR_BILL_RECORD: FakeBillRecord = {
  body: { usertotal: 1487.5, taxtotal: 237.5, currencysymbol: "EUR", exchangerate: 1.0842, currency: "3" },
  expense: [
    {
      account: { value: "58", text: "6010 Office Supplies" },
      amount: 500,
      memo: "Paper",
      department: { value: "3", text: "Finance" },
      class: "",
      location: "",
      taxcode: { value: "12", text: "VAT:S-DE" },
      tax1amt: 95,
    },
    {
      account: { value: "61", text: "6200 Software" },
      amount: 600,
      memo: "",
      department: "",
      class: { value: "7", text: "SaaS" },
      location: "",
      taxcode: { value: "12", text: "VAT:S-DE" },
      tax1amt: 114,
    },
    {
      account: { value: "58", text: "6010 Office Supplies" },
      amount: 150,
      memo: "Toner",
      department: "",
      class: "",
      location: { value: "2", text: "Berlin" },
      taxcode: { value: "12", text: "VAT:S-DE" },
      // A value NetSuite computed rather than stored: binary noise past the 15th digit.
      tax1amt: 28.499999999999996,
    },
  ],
};

/** Account 101's bill with the EUR record behind it (the sample payload). */
export function eurAccount(init: Partial<FakeState> = {}): FakeNetSuite {
  const fake = fakeAccount(init);
  const bill = fake.state.bills[0]!;
  bill.currency = "EUR";
  bill.fxamount = "-1487.50";
  bill.record = EUR_BILL_RECORD;
  return fake;
}
