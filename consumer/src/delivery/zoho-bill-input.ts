/**
 * NetSuite's bill details -> Zoho's create-a-bill body. Pure: no I/O, no clock, the same input gives
 * the same body, and nothing is mutated. Ids that need a lookup (the vendor today; accounts, items
 * and currency when mapping tables arrive) are resolved before the call (zoho-ids.ts) and passed in
 * `ZohoIds`, so this stays testable without Zoho. Optional fields are left out rather than sent empty.
 * @see https://www.zoho.com/books/api/v3/bills/#create-a-bill
 */
import type { BillDetails, BillTarget } from "../../../lib/bill.ts";
import type { ZohoBillInput, ZohoLineItemInput } from "../zoho/types.ts";

/** Zoho ids resolved for one bill. A new lookup adds a field here, fills it in zoho-ids.ts, reads it below. */
export interface ZohoIds {
  /** Zoho `contact_id` of the vendor: `vendorId` from the payload, or `vendorName` looked up. */
  readonly vendorId: string;
}

type LineItem = NonNullable<BillDetails["lineItems"]>[number];

/** Only the keys whose value is set (Zoho treats an empty string as a value). */
const present = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== "")) as Partial<T>;

export function toZohoLineItem(li: LineItem, _ids: ZohoIds): ZohoLineItemInput {
  return {
    ...present({ account_id: li.accountId, item_id: li.itemId, name: li.name, description: li.description }),
    rate: li.rate,
    quantity: li.quantity,
  };
}

/** The create-a-bill body for `details`; the target's reference number wins over the details' one. */
export function toZohoBillInput(target: BillTarget, details: BillDetails, ids: ZohoIds): ZohoBillInput {
  const lineItems = details.lineItems ?? [];
  return {
    vendor_id: ids.vendorId,
    bill_number: details.billNumber,
    ...present({
      reference_number: target.referenceNumber ?? details.referenceNumber,
      date: details.date,
      due_date: details.dueDate,
      notes: details.notes,
    }),
    ...(lineItems.length > 0 ? { line_items: lineItems.map((li) => toZohoLineItem(li, ids)) } : {}),
  };
}
