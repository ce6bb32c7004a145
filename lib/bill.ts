/**
 * Domain types shared by the service and the worker: the bill details NetSuite may send, the
 * SQS message that carries a transaction to the worker, and the transaction row.
 */
import { z } from "zod";

export const TRANSACTION_STATUSES = ["pending", "processing", "success", "failed"] as const;

/**
 * Money in bill details: JSON numbers in major units (1250.5 = EUR 1,250.50), never more decimals
 * than the currency has (ISO 4217: EUR 2, JPY 0, KWD 3; 2 without currencyCode), at most 15 digits.
 * Strings are refused (no coercion). The service and the worker never add or compare them as floats:
 * lib/money.ts turns each into an exact count of minor units first (no float drift).
 */
const Amount = z.number().nonnegative();

/** A NetSuite record on a line (account, item, department, class, location, tax code): its internal id, and its name for people. */
export const NetsuiteRef = z.object({
  /** Internal id; some built-in records have negative ids (e.g. a "Not Taxable" tax code). */
  id: z.string().regex(/^-?[0-9]{1,19}$/),
  /** The name NetSuite shows; lets a failure reason name an unmapped account or item. */
  name: z.string().max(200).optional(),
});
export type NetsuiteRef = z.infer<typeof NetsuiteRef>;

/** Segments and tax a NetSuite line may carry; each only where set on the bill. */
const LineExtras = {
  department: NetsuiteRef.optional(),
  class: NetsuiteRef.optional(),
  location: NetsuiteRef.optional(),
  /** Legacy tax (taxcode): the line's tax code. */
  taxCode: NetsuiteRef.optional(),
  /** Legacy tax (tax1amt): the line's tax, on top of `amount`. */
  taxAmount: Amount.optional(),
};

/** One line of the vendor bill's `expense` sublist: an amount (before tax) booked to a GL account. */
export const ExpenseLine = z.object({
  account: NetsuiteRef,
  amount: Amount,
  memo: z.string().max(2000).optional(),
  ...LineExtras,
});
export type ExpenseLine = z.infer<typeof ExpenseLine>;

/** One line of the vendor bill's `item` sublist: quantity × rate = amount (before tax). */
export const ItemLine = z.object({
  item: NetsuiteRef,
  quantity: z.number().positive(),
  rate: Amount,
  amount: Amount,
  description: z.string().max(2000).optional(),
  ...LineExtras,
});
export type ItemLine = z.infer<typeof ItemLine>;

/** Most lines one bill may carry, all sublists together (also each sublist's maxItems). */
export const MAX_BILL_LINES = 500;

/**
 * Bill fields the worker needs to create the bill in Zoho Books. This is the shape only (the ingest
 * JSON schema is generated from it, and stored rows are read with it); the rules across fields
 * (lines add up to the total, known currency, decimals) are in lib/bill-checks.ts and run at ingest.
 *
 * For the worker, in Zoho's create-a-bill terms: each expense line is one line item with the mapped
 * account_id, rate = amount, quantity 1, description = memo; each item line one with the mapped
 * item_id, rate and quantity; taxCode maps to tax_id; amounts are before tax (is_inclusive_tax false);
 * currencyCode maps to currency_id, exchangeRate goes as exchange_rate (both are base-currency units
 * per unit of the bill's currency: equal when the Zoho organization and the NetSuite subsidiary share a
 * base currency). A bill with a total and no lines gets one line on the default account. Compare
 * Zoho's total with `total` in minor units (lib/money.ts toMinorUnits, minorUnits), never as floats.
 */
export const BillDetails = z.object({
  vendorId: z.string().min(1).max(64).optional(),
  vendorName: z.string().min(1).max(200).optional(),
  billNumber: z.string().min(1).max(100),
  referenceNumber: z.string().max(100).optional(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  dueDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  /** ISO 4217; checked against lib/money.ts CURRENCY_CODES at ingest. */
  currencyCode: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  /** NetSuite's exchangerate: units of the subsidiary's base currency per unit of currencyCode. */
  exchangeRate: z.number().positive().optional(),
  /** The bill's total including tax (NetSuite usertotal). With lines, required and checked against them. */
  total: Amount.optional(),
  /** Tax on the whole bill (NetSuite taxtotal); with line taxes, checked against their sum. */
  taxTotal: Amount.optional(),
  notes: z.string().max(2000).optional(),
  /** NetSuite expense lines (NetSuite ids; the worker maps them to Zoho accounts). */
  expenseLines: z.array(ExpenseLine).max(MAX_BILL_LINES).optional(),
  /** NetSuite item lines (NetSuite ids; the worker maps them to Zoho items). */
  itemLines: z.array(ItemLine).max(MAX_BILL_LINES).optional(),
  /** Lines already in Zoho's terms (Zoho account_id/item_id). Not together with expenseLines/itemLines. */
  lineItems: z
    .array(
      z.object({
        accountId: z.string().max(64).optional(),
        itemId: z.string().max(64).optional(),
        name: z.string().max(200).optional(),
        description: z.string().max(2000).optional(),
        rate: z.number(),
        quantity: z.number().positive().default(1),
      }),
    )
    .max(MAX_BILL_LINES)
    .optional(),
});
export type BillDetails = z.infer<typeof BillDetails>;

/** What the worker should do in Zoho: attach to a known bill, create one, or look it up. */
export const BillTarget = z.object({
  zohoBillId: z
    .string()
    .regex(/^\d{1,30}$/)
    .optional(),
  referenceNumber: z.string().max(100).optional(),
  details: BillDetails.optional(),
});
export type BillTarget = z.infer<typeof BillTarget>;

/** The SQS message body. Small on purpose: the row and the S3 object are the source of truth. */
export const BillMessage = z.object({
  version: z.literal(1),
  transactionId: z.uuid(),
  netsuiteBillId: z.string().min(1),
  bucket: z.string().min(3),
  key: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BillMessage = z.infer<typeof BillMessage>;

/** A raw SQS body as a BillMessage, or null when it is not JSON or not of that shape. */
export function readBillMessage(body: string | undefined): BillMessage | null {
  try {
    const parsed = BillMessage.safeParse(JSON.parse(body ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A transactions row as the code sees it (camelCase; timestamps as ISO strings or epoch ms). */
export const TransactionRow = z.object({
  id: z.string(),
  netsuite_bill_id: z.string(),
  file_name: z.string(),
  mime_type: z.string(),
  file_size: z.coerce.number(),
  content_sha256: z.string(),
  s3_bucket: z.string(),
  s3_key: z.string(),
  bill: BillTarget.nullable(),
  api_key_name: z.string().nullable(),
  /** The key group that created the row: only it may read the row (service/src/auth/transaction-access.ts). */
  api_key_group: z.string().nullable().default(null),
  status: z.enum(TRANSACTION_STATUSES),
  retry_count: z.number(),
  error_message: z.string().nullable(),
  zoho_bill_id: z.string().nullable(),
  zoho_document_id: z.string().nullable(),
  enqueued_at: z.number().nullable(),
  enqueue_attempts: z.number(),
  last_attempt_at: z.number().nullable(),
  completed_at: z.number().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type TransactionRow = z.infer<typeof TransactionRow>;
