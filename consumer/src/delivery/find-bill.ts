/**
 * Looking a bill up in Zoho before writing: by bill number (with the vendor when known), else by
 * reference number. Zoho's list filters are not exact, so matches are filtered again here; more than
 * one exact match fails the bill permanently (the payload must name zohoBillId).
 */
import type { BillTarget } from "../../../lib/bill.ts";
import { PermanentDeliveryError } from "../errors.ts";
import type { ZohoBooksClient } from "../zoho/client.ts";
import type { CallContext, ZohoBill, ZohoDocument } from "../zoho/types.ts";

export async function findBill(
  target: BillTarget,
  zoho: ZohoBooksClient,
  ctx: CallContext,
  vendorId?: string,
): Promise<ZohoBill | null> {
  const number = target.details?.billNumber;
  if (number) {
    const found = await findByNumber(number, vendorId ?? target.details?.vendorId, zoho, ctx);
    if (found) return found;
  }
  const reference = target.referenceNumber ?? target.details?.referenceNumber;
  return reference ? findByReference(reference, zoho, ctx) : null;
}

/** Exact matches of a bill number (for one vendor when given); more than one fails the bill permanently. */
export async function findByNumber(
  number: string,
  vendor: string | undefined,
  zoho: ZohoBooksClient,
  ctx: CallContext,
): Promise<ZohoBill | null> {
  const rows = await zoho.listBills(vendor ? { bill_number: number, vendor_id: vendor } : { bill_number: number }, ctx);
  const exact = rows.filter((b) => b.bill_number === number && (!vendor || !b.vendor_id || b.vendor_id === vendor));
  if (exact.length > 1) {
    throw new PermanentDeliveryError(
      `bill number ${number} matches ${exact.length} Zoho bills; set zohoBillId in the payload`,
    );
  }
  return exact[0] ?? null;
}

async function findByReference(reference: string, zoho: ZohoBooksClient, ctx: CallContext): Promise<ZohoBill | null> {
  const rows = (await zoho.listBills({ reference_number: reference }, ctx)).filter(
    (b) => b.reference_number === reference,
  );
  if (rows.length > 1) {
    throw new PermanentDeliveryError(
      `reference ${reference} matches ${rows.length} Zoho bills; set zohoBillId in the payload`,
    );
  }
  return rows[0] ?? null;
}

/** The bill with its documents list (a list answer omits it; a get answer carries it). */
export async function withDocuments(bill: ZohoBill, zoho: ZohoBooksClient, ctx: CallContext): Promise<ZohoBill> {
  if (bill.documents) return bill;
  return (await zoho.getBill(bill.bill_id, ctx)) ?? bill;
}

export const findDocument = (bill: ZohoBill, fileName: string): ZohoDocument | undefined =>
  bill.documents?.find((d) => d.file_name === fileName);
