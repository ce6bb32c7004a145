/**
 * Every Zoho id the mapping (zoho-bill-input.ts) needs for one bill, looked up before it runs so the
 * mapping stays pure: the vendor (vendor.ts), the lines' accounts, items and tax codes (mapping
 * tables, one query per kind), the currency (currency.ts) and the default expense account. Every
 * unmapped value is named in one permanent failure, so an operator adds them all and retries once.
 */
import type { BillDetails } from "../../../lib/bill.ts";
import { lookupMappings, type MappingKind } from "../../../lib/mappings/mappings.ts";
import { PermanentDeliveryError } from "../errors.ts";
import type { HandlerDeps } from "../types.ts";
import type { CallContext } from "../zoho/types.ts";
import { resolveCurrencyId } from "./currency.ts";
import { resolveVendor } from "./vendor.ts";
import type { ZohoIds } from "./zoho-bill-input.ts";

type Ref = { readonly id: string; readonly name?: string | undefined };

/** The NetSuite records the bill's lines name, by mapping kind. */
function refsOf(details: BillDetails): Record<"account" | "item" | "tax", Ref[]> {
  const expense = details.expenseLines ?? [];
  const items = details.itemLines ?? [];
  return {
    account: expense.map((l) => l.account),
    item: items.map((l) => l.item),
    tax: [...expense, ...items].flatMap((l) => (l.taxCode ? [l.taxCode] : [])),
  };
}

const describe = (kind: MappingKind, r: Ref) => `${kind} ${r.id}${r.name ? ` "${r.name}"` : ""}`;

export async function resolveZohoIds(
  details: BillDetails,
  deps: Pick<HandlerDeps, "redis" | "zoho" | "db" | "settings">,
  ctx: CallContext,
): Promise<ZohoIds> {
  const refs = refsOf(details);
  const ids = (kind: keyof typeof refs) => refs[kind].map((r) => r.id);
  const [account, item, tax] = await Promise.all([
    lookupMappings(deps.db, "account", ids("account")),
    lookupMappings(deps.db, "item", ids("item")),
    lookupMappings(deps.db, "tax", ids("tax")),
  ]);
  const maps = { account, item, tax };
  const unmapped = new Map<string, string>();
  for (const kind of ["account", "item", "tax"] as const) {
    for (const r of refs[kind]) if (!maps[kind].has(r.id)) unmapped.set(`${kind}:${r.id}`, describe(kind, r));
  }
  if (unmapped.size > 0) {
    throw new PermanentDeliveryError(
      `unmapped NetSuite ${[...unmapped.values()].join(", ")}: add the mapping (bill-mw-ops mappings set <kind> <netsuite id> <zoho id>) and retry`,
    );
  }
  const vendorId = await resolveVendor(details, deps, ctx);
  const currencyId = details.currencyCode ? await resolveCurrencyId(details.currencyCode, deps, ctx) : undefined;
  return {
    vendorId,
    accounts: maps.account,
    items: maps.item,
    taxes: maps.tax,
    ...(currencyId ? { currencyId } : {}),
    ...(deps.settings.ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID
      ? { defaultAccountId: deps.settings.ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID }
      : {}),
  };
}
