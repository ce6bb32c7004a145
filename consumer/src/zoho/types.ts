/** The parts of Zoho Books' objects the worker reads. @see https://www.zoho.com/books/api/v3/bills/ */
import type { Readable } from "node:stream";
import type { Logger } from "../../../lib/logger.ts";

export interface ZohoDocument {
  readonly document_id: string;
  readonly file_name: string;
  readonly file_size?: number;
}

export interface ZohoBill {
  readonly bill_id: string;
  readonly bill_number?: string;
  readonly reference_number?: string;
  readonly vendor_id?: string;
  readonly has_attachment?: boolean;
  readonly documents?: readonly ZohoDocument[];
  /** Zoho computes it from the line items (and their taxes); list rows carry it too. */
  readonly total?: number;
  readonly currency_code?: string;
}

export interface ZohoContact {
  readonly contact_id: string;
  readonly contact_name: string;
  readonly contact_type?: string;
  readonly status?: string;
}

/** The create-a-bill body (only the fields this middleware sends). */
export interface ZohoBillInput {
  readonly vendor_id: string;
  readonly bill_number: string;
  readonly reference_number?: string;
  readonly date?: string;
  readonly due_date?: string;
  readonly notes?: string;
  readonly currency_id?: string;
  readonly exchange_rate?: number;
  readonly line_items?: readonly ZohoLineItemInput[];
}

/** One line of the create-a-bill body: an expense line (account_id) or an item line (item_id). */
export interface ZohoLineItemInput {
  readonly account_id?: string;
  readonly item_id?: string;
  readonly name?: string;
  readonly description?: string;
  readonly rate: number;
  readonly quantity: number;
  readonly tax_id?: string;
}

/** A currency the Zoho organization has enabled (GET /settings/currencies). */
export interface ZohoCurrency {
  readonly currency_id: string;
  readonly currency_code: string;
  readonly currency_name?: string;
}

/** A file to upload, opened fresh for each attempt (a 401 retry needs a second stream). */
export interface FileSource {
  readonly fileName: string;
  readonly contentType: string;
  readonly sha256: string;
  open(): Promise<{ stream: Readable; size: number }>;
}

/** Per-message context for every call: audit link, throttle deadline, cancellation, counting. */
export interface CallContext {
  readonly transactionId: string | null;
  /** Epoch ms after which waiting for a limiter slot gives up (the message is delayed instead). */
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
  readonly log: Logger;
  /** Incremented for every Books call that reached Zoho. */
  calls: number;
}
