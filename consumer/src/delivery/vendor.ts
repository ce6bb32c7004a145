/**
 * The bill's vendor -> Zoho contact_id. In order:
 * 1. a vendor mapping (lib/mappings) for vendorId, then for vendorName (as NetSuite sends it);
 * 2. vendorId as a Zoho contact_id (payloads that already speak Zoho);
 * 3. vendorName looked up in Zoho: Books allows duplicate display names, so zero or several active
 *    matches fail the bill permanently (add a vendor mapping); one match is cached in Redis for a day.
 * @see https://www.zoho.com/books/api/v3/contacts/#list-contacts
 */
import type { BillDetails } from "../../../lib/bill.ts";
import { lookupMappings } from "../../../lib/mappings/mappings.ts";
import { PermanentDeliveryError } from "../errors.ts";
import type { HandlerDeps } from "../types.ts";
import type { CallContext } from "../zoho/types.ts";

const VENDOR_CACHE_TTL_S = 24 * 3600;

export async function resolveVendor(
  details: Pick<BillDetails, "vendorId" | "vendorName">,
  deps: Pick<HandlerDeps, "redis" | "zoho" | "db">,
  ctx: CallContext,
): Promise<string> {
  const keys = [details.vendorId, details.vendorName].filter((k): k is string => Boolean(k));
  const mapped = await lookupMappings(deps.db, "vendor", keys);
  for (const k of keys) {
    const id = mapped.get(k);
    if (id) return id;
  }
  if (details.vendorId) return details.vendorId;
  return vendorByName(details.vendorName, deps, ctx);
}

async function vendorByName(
  name: string | undefined,
  deps: Pick<HandlerDeps, "redis" | "zoho">,
  ctx: CallContext,
): Promise<string> {
  if (!name) throw new PermanentDeliveryError("bill details name no vendor (vendorId or vendorName is required)");
  const key = `zoho:vendor:${name.toLowerCase()}`;
  const cached = await deps.redis.get(key);
  if (cached) return cached;
  const matches = (await deps.zoho.findVendorsByName(name, ctx)).filter(
    (c) => c.contact_name.toLowerCase() === name.toLowerCase() && (c.status ?? "active") === "active",
  );
  if (matches.length === 0) {
    throw new PermanentDeliveryError(
      `unknown vendor: no active Zoho Books vendor named "${name}" (and no vendor mapping for it)`,
    );
  }
  if (matches.length > 1) {
    throw new PermanentDeliveryError(
      `ambiguous vendor: ${matches.length} Zoho Books vendors are named "${name}"; add a vendor mapping for it`,
    );
  }
  const id = matches[0]!.contact_id;
  await deps.redis.set(key, id, "EX", VENDOR_CACHE_TTL_S);
  return id;
}
