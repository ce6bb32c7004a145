import { CodedError } from "../errors.ts";

/** A request the operator must correct (unknown id, wrong state, bad input): 4xx in the admin API. */
export class OperationError extends CodedError {
  declare readonly statusCode: number;
  constructor(code: string, message: string, statusCode = 400) {
    super(code, message, { statusCode });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The distinct ids of a request, refused before any query when there are none, more than `max`,
 * or any that is not a transaction id.
 */
export function distinctTransactionIds(ids: readonly string[], max = Number.POSITIVE_INFINITY): string[] {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) throw new OperationError("ERR_NO_IDS", "give at least one transaction id");
  if (distinct.length > max) throw new OperationError("ERR_TOO_MANY", `at most ${max} transactions per call`);
  assertTransactionIds(distinct);
  return distinct;
}

/** Refuses anything that is not a transaction id before it reaches a query. */
export function assertTransactionIds(ids: readonly string[]): void {
  const bad = ids.filter((id) => !UUID.test(id));
  if (bad.length > 0) throw new OperationError("ERR_BAD_ID", `not a transaction id: ${bad.join(", ")}`);
}
