/**
 * Bills, from Zoho's bills.yml (see common.ts for the source): the create-a-bill request the worker
 * sends (`components/schemas/create-a-bill-request`), and the answers it reads:
 * create-a-bill-response / get-a-bill-response (`bill`), list-bills-response,
 * add-attachment-to-a-bill-response. The request is strict: a key the spec does not list (a
 * writable `total`, a typo) is refused, because Zoho computes sub_total, tax_total and total from the
 * line items.
 */
import { z } from "zod";
import { Amount, Envelope, PageContext, ZohoDate, ZohoId } from "./common.ts";

/** create-a-bill-request `line_items.items` (properties the worker may send; all optional in the spec). */
export const CreateBillLineItem = z.strictObject({
  account_id: ZohoId.optional(),
  item_id: ZohoId.optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  rate: Amount,
  quantity: Amount.positive().optional(),
  tax_id: ZohoId.optional(),
  location_id: ZohoId.optional(),
  unit: z.string().optional(),
  item_order: z.number().int().optional(),
});

/** create-a-bill-request: `required: [vendor_id, bill_number]`; the other properties the spec lists. */
export const CreateBillRequest = z.strictObject({
  vendor_id: ZohoId,
  bill_number: z.string().min(1),
  currency_id: ZohoId.optional(),
  reference_number: z.string().optional(),
  date: ZohoDate.optional(),
  due_date: ZohoDate.optional(),
  payment_terms: z.number().int().optional(),
  payment_terms_label: z.string().optional(),
  exchange_rate: Amount.positive().optional(),
  is_item_level_tax_calc: z.boolean().optional(),
  is_inclusive_tax: z.boolean().optional(),
  adjustment: Amount.optional(),
  adjustment_description: z.string().optional(),
  location_id: ZohoId.optional(),
  custom_fields: z
    .array(z.strictObject({ index: z.number().int().optional(), value: z.string().optional() }))
    .optional(),
  line_items: z.array(CreateBillLineItem).optional(),
  notes: z.string().optional(),
  terms: z.string().optional(),
});
export type CreateBillRequest = z.infer<typeof CreateBillRequest>;

/** components/schemas/documents items: document_id, file_name. */
export const Document = z.looseObject({ document_id: ZohoId, file_name: z.string() });

/** components/schemas/line_items items as a bill carries them (line_item_id, item_total added by Zoho). */
export const BillLineItem = z.looseObject({
  line_item_id: ZohoId,
  account_id: z.string().optional(),
  item_id: z.string().optional(),
  rate: Amount,
  quantity: Amount,
  tax_id: z.string().optional(),
  item_total: Amount,
});

/** components/schemas/bill: the fields the worker reads or compares. */
export const Bill = z.looseObject({
  bill_id: ZohoId,
  vendor_id: ZohoId,
  bill_number: z.string(),
  reference_number: z.string().optional(),
  status: z.string(),
  date: ZohoDate,
  currency_id: z.string(),
  currency_code: z.string(),
  exchange_rate: Amount,
  line_items: z.array(BillLineItem),
  sub_total: Amount,
  tax_total: Amount,
  total: Amount,
  documents: z.array(Document),
});

/** create-a-bill-response (201) and get-a-bill-response (200). */
export const BillResponse = Envelope.extend({ bill: Bill });

/** list-bills-response: summary rows (no line items) and page_context. */
export const ListBillsResponse = Envelope.extend({
  bills: z.array(
    z.looseObject({
      bill_id: ZohoId,
      vendor_id: ZohoId,
      bill_number: z.string(),
      reference_number: z.string().optional(),
      total: Amount,
      has_attachment: z.boolean().optional(),
    }),
  ),
  page_context: PageContext,
});

/** add-attachment-to-a-bill-response: code and message only. */
export const AddAttachmentResponse = Envelope;
