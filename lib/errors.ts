/**
 * The one coded error shape, in Fastify's style: a stable `code` callers branch on, a message a
 * person can act on, and the HTTP status when the error is meant for an HTTP answer. The
 * service's ServiceError and the operations' OperationError extend it.
 */
export interface CodedErrorOptions {
  /** HTTP status for an HTTP answer; unset for errors that never reach one. */
  readonly statusCode?: number;
  readonly cause?: unknown;
}

export class CodedError extends Error {
  readonly code: string;
  readonly statusCode: number | undefined;
  constructor(code: string, message: string, options: CodedErrorOptions = {}) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    this.statusCode = options.statusCode;
  }
}
