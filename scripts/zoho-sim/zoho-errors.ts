/**
 * Zoho Books response envelopes and the error codes the simulator answers with.
 * Every Books answer is `{ code, message, ...payload }`; `code: 0` means success.
 * Which codes are Zoho's documented ones and which are the simulator's choice is in README.md
 * ("Error codes"); the comments below say the same.
 * @see https://www.zoho.com/books/api/v3/errors/
 */

export interface ZohoEnvelope {
  code: number;
  message: string;
  [key: string]: unknown;
}

export interface ZohoError {
  status: number;
  body: ZohoEnvelope;
}

const error = (status: number, code: number, message: string): ZohoError => ({ status, body: { code, message } });

export const ZohoErrors = {
  /** Official example body for 500. */
  internal: () => error(500, 1000, "Internal error"),
  /** Official: daily quota. The message names the plan's limit. */
  dailyLimit: (quota: number) =>
    error(429, 45, `The API call for this organization has exceeded the maximum call rate limit of ${quota}.`),
  /** Official code; the wording of the message is paraphrased from the intro page. */
  minuteLimit: () =>
    error(
      429,
      44,
      "You have made too many requests per minute. This organization has been blocked for exceeding the per-minute request limit. Please try again after some time.",
    ),
  /** Official code and message. */
  concurrencyLimit: () =>
    error(
      429,
      1070,
      "You have reached the maximum number of in process requests allowed. Kindly try again after some time.",
    ),
  /** Third-party reports only (code 57 with this message); the status 401 is official. */
  unauthorized: () => error(401, 57, "You are not authorized to perform this operation"),
  /** Widely reported message for a missing or malformed organization_id; the code is the simulator's choice. */
  invalidOrganization: () => error(400, 2, "Invalid value passed for organization_id"),
  /** Third-party reports (code 6041) for an organization the user does not belong to; status unconfirmed. */
  unknownOrganization: (id: string) =>
    error(400, 6041, `This user is not associated with the CompanyID/CompanyName:${id}.`),
  /** "Invalid value passed for <field>" is Zoho's usual validation wording; code 2 per third-party reports. */
  invalidValue: (field: string) => error(400, 2, `Invalid value passed for ${field}`),
  /** Simulator's choice of code; wording unconfirmed. */
  malformedJson: () => error(400, 4, "JSON is not well formed"),
  /**
   * The message is Zoho's (KB "repeat bill number"); HTTP 400 and code 13011 are not sourced, so the
   * worker recognises a duplicate by looking the bill up after a 400, never by this code.
   */
  duplicateBillNumber: () => error(400, 13011, "A bill with this number has already been created for this vendor"),
  /** Zoho computes the amounts from the lines; code and wording are the simulator's choice. */
  computedField: (field: string) =>
    error(400, 2, `Invalid value passed for ${field}: it is computed from line_items and cannot be set`),
  /** Third-party report: code 1002 with this message for an unknown vendor_id. */
  unknownVendor: () => error(400, 1002, "Invalid value passed for vendor_id"),
  /** Official code 1002 ("... does not exist."); the 404 status is the simulator's choice. */
  billNotFound: () => error(404, 1002, "Bill does not exist."),
  contactNotFound: () => error(404, 1002, "Contact does not exist."),
  attachmentNotFound: () => error(404, 1002, "Attachment does not exist."),
  /** Allowed types are official; the code and message are the simulator's choice. */
  unsupportedFileType: (allowed: readonly string[]) =>
    error(400, 2, `The file type is not supported. Supported types: ${allowed.join(", ")}.`),
  /** The size limit itself is unconfirmed, and so are the code and message. */
  fileTooLarge: (maxBytes: number) =>
    error(400, 2, `The file exceeds the maximum allowed size of ${formatBytes(maxBytes)}.`),
  tooManyAttachments: (max: number) => error(400, 2, `A bill can have at most ${max} attachments.`),
  /** Third-party reports: code 5 "Invalid URL Passed" for paths Books does not know. */
  invalidUrl: () => error(404, 5, "Invalid URL Passed"),
} as const;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} B`;
}
