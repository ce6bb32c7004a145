/**
 * Vendor name -> Zoho contact_id, for payloads that name the vendor instead of sending vendorId.
 * Books allows duplicate display names, so zero or several active matches fail the bill
 * permanently; one match is cached in Redis for a day.
 * @see https://www.zoho.com/books/api/v3/contacts/#list-contacts
 */
import { PermanentDeliveryError } from "../errors.ts";
import type { HandlerDeps } from "../types.ts";
import type { CallContext } from "../zoho/types.ts";

const VENDOR_CACHE_TTL_S = 24 * 3600;

export async function resolveVendor(
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
  if (matches.length === 0)
    throw new PermanentDeliveryError(`unknown vendor: no active Zoho Books vendor named "${name}"`);
  if (matches.length > 1) {
    throw new PermanentDeliveryError(
      `ambiguous vendor: ${matches.length} Zoho Books vendors are named "${name}"; send vendorId instead`,
    );
  }
  const id = matches[0]!.contact_id;
  await deps.redis.set(key, id, "EX", VENDOR_CACHE_TTL_S);
  return id;
}
