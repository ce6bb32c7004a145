/**
 * Reads and writes the delivery fields on the vendor bill without loading the record
 * (record.submitFields, 10 units; search.lookupFields, 1 unit).
 */
import { BILL_FIELDS, billFieldValues, type Outcome } from "./outcome.ts";
import type { NModules } from "./types.ts";

export function recordOutcome(n: Pick<NModules, "record">, outcome: Outcome): void {
  n.record.submitFields({
    type: n.record.Type.VENDOR_BILL,
    id: outcome.billId,
    values: billFieldValues(outcome),
    options: { enableSourcing: false, ignoreMandatoryFields: true },
  });
}

export interface BillDelivery {
  readonly transactionId: string;
  readonly status: string;
  readonly error: string;
  readonly zohoBillId: string;
}

export function readDelivery(n: Pick<NModules, "search">, billId: string): BillDelivery {
  const fields = n.search.lookupFields({
    type: "vendorbill",
    id: billId,
    columns: [BILL_FIELDS.transactionId, BILL_FIELDS.status, BILL_FIELDS.error, BILL_FIELDS.zohoBillId],
  }) as Record<string, unknown>;
  const text = (name: string) => (typeof fields[name] === "string" ? (fields[name] as string) : "");
  return {
    transactionId: text(BILL_FIELDS.transactionId),
    status: text(BILL_FIELDS.status),
    error: text(BILL_FIELDS.error),
    zohoBillId: text(BILL_FIELDS.zohoBillId),
  };
}
