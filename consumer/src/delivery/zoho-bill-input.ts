/**
 * NetSuite's bill details -> Zoho's create-a-bill body. Pure: no I/O, no clock, the same input gives
 * the same body, and nothing is mutated. Ids that need a lookup (vendor, accounts, items, tax codes,
 * currency) are resolved before the call (zoho-ids.ts) and passed in `ZohoIds`; an id missing here is
 * a bug in zoho-ids.ts, so it throws. Optional fields are left out rather than sent empty.
 *
 * Lines (lib/bill.ts says how): an expense line is one line item on its mapped account_id with
 * rate = amount and quantity 1, the memo as description; an item line is one on its mapped item_id
 * with its rate and quantity; a tax code becomes tax_id (amounts are before tax, so Zoho adds the
 * tax: is_inclusive_tax stays unset, Zoho's default false). A bill with a total and no lines gets one
 * line on the default expense account for the whole total. Zoho computes sub_total, tax_total and
 * total itself; the body never carries them.
 * @see https://www.zoho.com/books/api/v3/bills/#create-a-bill and zoho/schemas/bills.ts
 */
import type { BillDetails, BillTarget, ExpenseLine, ItemLine } from "../../../lib/bill.ts";
import { PermanentDeliveryError } from "../errors.ts";
import type { ZohoBillInput, ZohoLineItemInput } from "../zoho/types.ts";

/** Zoho ids resolved for one bill. A new lookup adds a field here, fills it in zoho-ids.ts, reads it below. */
export interface ZohoIds {
  /** Zoho `contact_id` of the vendor. */
  readonly vendorId: string;
  /** NetSuite account / item / tax code internal id -> Zoho account_id / item_id / tax_id. */
  readonly accounts?: ReadonlyMap<string, string>;
  readonly items?: ReadonlyMap<string, string>;
  readonly taxes?: ReadonlyMap<string, string>;
  /** Zoho currency_id of the bill's currencyCode. */
  readonly currencyId?: string;
  /** ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID: the line of a total-only bill, and Zoho-terms lines without an account. */
  readonly defaultAccountId?: string;
}

type LineItem = NonNullable<BillDetails["lineItems"]>[number];

/** A bill that carries only a total, and no default expense account to put it on. */
export class NoDefaultAccountError extends PermanentDeliveryError {
  constructor() {
    super("the bill has a total but no lines, and ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID is not set to book it on");
    this.name = "NoDefaultAccountError";
  }
}

/** Only the keys whose value is set (Zoho treats an empty string as a value). */
const present = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== "")) as Partial<T>;

function mapped(map: ReadonlyMap<string, string> | undefined, id: string, kind: string): string {
  const zohoId = map?.get(id);
  if (!zohoId) throw new Error(`no Zoho id resolved for NetSuite ${kind} ${id}`);
  return zohoId;
}

const taxIdOf = (line: ExpenseLine | ItemLine, ids: ZohoIds) =>
  line.taxCode ? mapped(ids.taxes, line.taxCode.id, "tax code") : undefined;

export function toExpenseLineItem(line: ExpenseLine, ids: ZohoIds): ZohoLineItemInput {
  return {
    account_id: mapped(ids.accounts, line.account.id, "account"),
    ...present({ description: line.memo, tax_id: taxIdOf(line, ids) }),
    rate: line.amount,
    quantity: 1,
  };
}

export function toItemLineItem(line: ItemLine, ids: ZohoIds): ZohoLineItemInput {
  return {
    item_id: mapped(ids.items, line.item.id, "item"),
    ...present({ description: line.description, tax_id: taxIdOf(line, ids) }),
    rate: line.rate,
    quantity: line.quantity,
  };
}

/** A line already in Zoho's terms; one with neither account nor item goes on the default account. */
export function toZohoLineItem(li: LineItem, ids: ZohoIds): ZohoLineItemInput {
  const accountId = li.accountId ?? (li.itemId ? undefined : ids.defaultAccountId);
  return {
    ...present({ account_id: accountId, item_id: li.itemId, name: li.name, description: li.description }),
    rate: li.rate,
    quantity: li.quantity,
  };
}

/** The one line of a bill that carries only a total: the whole total (tax included) on the default account. */
function totalOnlyLine(details: BillDetails, ids: ZohoIds): ZohoLineItemInput {
  if (!ids.defaultAccountId) throw new NoDefaultAccountError();
  const taxNote = details.taxTotal ? " (tax included)" : "";
  return {
    account_id: ids.defaultAccountId,
    description: `Bill ${details.billNumber}: total from NetSuite${taxNote}`,
    rate: details.total ?? 0,
    quantity: 1,
  };
}

export function toLineItems(details: BillDetails, ids: ZohoIds): ZohoLineItemInput[] {
  const lines = [
    ...(details.expenseLines ?? []).map((l) => toExpenseLineItem(l, ids)),
    ...(details.itemLines ?? []).map((l) => toItemLineItem(l, ids)),
    ...(details.lineItems ?? []).map((l) => toZohoLineItem(l, ids)),
  ];
  if (lines.length === 0 && details.total !== undefined) return [totalOnlyLine(details, ids)];
  return lines;
}

/** The create-a-bill body for `details`; the target's reference number wins over the details' one. */
export function toZohoBillInput(target: BillTarget, details: BillDetails, ids: ZohoIds): ZohoBillInput {
  const lineItems = toLineItems(details, ids);
  return {
    vendor_id: ids.vendorId,
    bill_number: details.billNumber,
    ...present({
      reference_number: target.referenceNumber ?? details.referenceNumber,
      date: details.date,
      due_date: details.dueDate,
      notes: details.notes,
      currency_id: ids.currencyId,
      exchange_rate: details.exchangeRate,
    }),
    ...(lineItems.length > 0 ? { line_items: lineItems } : {}),
  };
}
