/**
 * Building blocks of the Zoho Books schemas, written from Zoho's own OpenAPI files (openapi-all.zip,
 * read from the public mirror github.com/fordez/zoho-books-mcp-server-openapi @d8c26c4,
 * `mcp_server/openapi-all/*.yml`). The files are Zoho's and carry no licence, so they are not copied:
 * each schema here names the component it follows. Ids are strings in the spec (`type: string`,
 * example '460000000038029'); keep them strings, as numbers they lose precision.
 */
import { z } from "zod";

/** bills.yml components/schemas/bill_id, vendor_id, account_id, item_id, tax_id, currency_id: `type: string`. */
export const ZohoId = z.string().regex(/^[0-9]{1,30}$/, "a Zoho id is a numeric string");

/** bills.yml components/schemas/date, due_date: `type: string`, example '2013-09-11'. */
export const ZohoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * Amounts. The spec types rate, quantity and exchange_rate as `number, format: double`, but total,
 * sub_total, tax_total and item_total as `integer` (example 40); Zoho returns decimals for them (the
 * bill carries price_precision), so they are numbers here.
 */
export const Amount = z.number().finite();

/** Every answer's envelope: bills.yml create-a-bill-response `code` (integer, 0) and `message` (string). */
export const Envelope = z.object({ code: z.literal(0), message: z.string() });

/** bills.yml components/schemas/page_context. */
export const PageContext = z.looseObject({
  page: z.number().int().positive(),
  per_page: z.number().int().positive(),
  has_more_page: z.boolean(),
});
