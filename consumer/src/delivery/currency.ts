/**
 * ISO currency code -> Zoho currency_id. Read from the mapping table (an operator may pin one; the
 * worker caches Zoho's own list there), else looked up once with GET /settings/currencies and cached
 * for every worker. A code the organization has not enabled fails the bill permanently, naming it.
 * @see currency.yml list_currencies (zoho/schemas/settings.ts)
 */
import { cacheZohoCurrencies, lookupMappings } from "../../../lib/mappings/mappings.ts";
import { PermanentDeliveryError } from "../errors.ts";
import type { HandlerDeps } from "../types.ts";
import type { CallContext } from "../zoho/types.ts";

export async function resolveCurrencyId(
  code: string,
  deps: Pick<HandlerDeps, "db" | "zoho">,
  ctx: CallContext,
): Promise<string> {
  const cached = (await lookupMappings(deps.db, "currency", [code])).get(code);
  if (cached) return cached;
  const currencies = await deps.zoho.listCurrencies(ctx);
  await cacheZohoCurrencies(
    deps.db,
    currencies.map((c) => ({ code: c.currency_code, zohoId: c.currency_id, name: c.currency_name })),
  );
  const found = currencies.find((c) => c.currency_code === code);
  if (!found) {
    const enabled = currencies.map((c) => c.currency_code).join(", ") || "none";
    throw new PermanentDeliveryError(
      `unmapped currency ${code}: the Zoho Books organization has not enabled it (enabled: ${enabled})`,
    );
  }
  return found.currency_id;
}
