/**
 * Contacts (vendors) and currencies, from Zoho's contacts.yml (`list-contacts-response`) and
 * currency.yml (`GET /settings/currencies`, `list-currencies-response`); source in common.ts.
 */
import { z } from "zod";
import { Amount, Envelope, PageContext, ZohoId } from "./common.ts";

/** contacts.yml list-contacts-response `contacts.items`: contact_id, contact_name, contact_type, status. */
export const ListContactsResponse = Envelope.extend({
  contacts: z.array(
    z.looseObject({
      contact_id: ZohoId,
      contact_name: z.string(),
      contact_type: z.string().optional(),
      status: z.string().optional(),
    }),
  ),
  page_context: PageContext.optional(),
});

/** currency.yml list-currencies-response `currencies.items`. */
export const Currency = z.looseObject({
  currency_id: ZohoId,
  currency_code: z.string().regex(/^[A-Z]{3}$/),
  currency_name: z.string().optional(),
  currency_symbol: z.string().optional(),
  price_precision: z.number().int().min(0).optional(),
  is_base_currency: z.boolean().optional(),
  exchange_rate: Amount.optional(),
});
export type Currency = z.infer<typeof Currency>;

export const ListCurrenciesResponse = Envelope.extend({ currencies: z.array(Currency) });
