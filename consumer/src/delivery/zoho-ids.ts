/**
 * Every Zoho id the mapping (zoho-bill-input.ts) needs for one bill, looked up before it runs so the
 * mapping stays pure. The vendor today; account, item and currency lookups belong here too.
 */
import type { BillDetails } from "../../../lib/bill.ts";
import type { HandlerDeps } from "../types.ts";
import type { CallContext } from "../zoho/types.ts";
import { resolveVendor } from "./vendor.ts";
import type { ZohoIds } from "./zoho-bill-input.ts";

export async function resolveZohoIds(
  details: BillDetails,
  deps: Pick<HandlerDeps, "redis" | "zoho">,
  ctx: CallContext,
): Promise<ZohoIds> {
  const vendorId = details.vendorId ?? (await resolveVendor(details.vendorName, deps, ctx));
  return { vendorId };
}
