/**
 * Domain types shared by the service and the worker: the bill details NetSuite may send, the
 * SQS message that carries a transaction to the worker, and the transaction row.
 */
import { z } from "zod";

export const TRANSACTION_STATUSES = ["pending", "processing", "success", "failed"] as const;

/** Bill fields the worker needs to create the bill in Zoho Books (Zoho's create-a-bill body). */
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
  currencyCode: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  total: z.number().nonnegative().optional(),
  notes: z.string().max(2000).optional(),
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
    .max(500)
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
