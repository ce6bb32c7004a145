/**
 * /admin/v1/mappings (routes/admin/mappings.ts): NetSuite vendor, account, item and tax code ->
 * Zoho id, and the currency cache. The rules on values are lib/mappings/mappings.ts's (shared with the
 * CLI); these schemas only shape the HTTP request and answer. Left out of the public OpenAPI document.
 */
import { type Static, Type } from "typebox";

const Str = Type.String();
const NStr = Type.Union([Type.String(), Type.Null()]);
const NonBlank = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: "\\S" });

export const MappingKind = Type.Union(
  ["vendor", "account", "item", "tax", "currency"].map((k) => Type.Literal(k)),
  { description: "vendor, account, item, tax or currency" },
);

export const MappingView = Type.Object({
  kind: Str,
  netsuiteKey: Str,
  zohoId: Str,
  netsuiteName: NStr,
  /** operator: set by a person; zoho: cached by the worker from Zoho's list (currencies). */
  source: Str,
  updatedBy: Str,
  createdAt: Str,
  updatedAt: Str,
});
export type MappingView = Static<typeof MappingView>;

export const MappingsQuery = Type.Object({
  kind: Type.Optional(MappingKind),
  limit: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,3}$", description: "1-9999" })),
});

export const MappingList = Type.Object({ items: Type.Array(MappingView) });

export const MappingParams = Type.Object({ kind: MappingKind, netsuiteKey: NonBlank(200) });

export const MappingPutBody = Type.Object(
  {
    /** Zoho's id: numeric string (account_id, item_id, contact_id, tax_id or currency_id). */
    zohoId: Type.String({ pattern: "^[0-9]{1,30}$" }),
    netsuiteName: Type.Optional(NonBlank(200)),
    /** Who is doing this (kept as context; the actor recorded is the admin key's name). */
    operator: NonBlank(200),
    reason: NonBlank(2000),
  },
  { additionalProperties: false },
);

export const MappingDeleteQuery = Type.Object({ operator: NonBlank(200), reason: NonBlank(2000) });

export const MappingItem = Type.Object({ item: MappingView });
