/**
 * The worker's own failures (Zoho's are in zoho/errors.ts). The failure policy branches on the
 * class, never on message text.
 */

/** A failure no retry can fix (bad payload, unknown vendor, file rejected): the row fails at once. */
export class PermanentDeliveryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentDeliveryError";
  }
}
