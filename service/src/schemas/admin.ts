/**
 * /admin/v1, the error management API (routes/admin/): failed bills, operator actions, the DLQ.
 * Left out of the public OpenAPI document; runbooks/dlq-growing.md describes these shapes.
 */
import { type Static, Type } from "typebox";
import { errorResponses } from "./common.ts";

const Str = Type.String();
const NStr = Type.Union([Type.String(), Type.Null()]);
const NInt = Type.Union([Type.Integer(), Type.Null()]);
const Uuid = Type.String({ format: "uuid" });
/** Query strings are not coerced (coerceTypes: false), so counts arrive as digits. */
const Count = Type.String({ pattern: "^[1-9][0-9]{0,3}$", description: "1-1000" });
const NonBlank = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: "\\S" });

/** Error answers every admin route declares (404 included: an unknown transaction). */
export const AdminErrors = errorResponses(400, 401, 404, 429, 500);

export const TransactionIdParams = Type.Object({ id: Uuid });

// ---- failed bills ----

/** One failed bill with Zoho's last failing answer. */
export const FailedBillView = Type.Object({
  transactionId: Uuid,
  netsuiteBillId: Str,
  status: Str,
  error: NStr,
  retryCount: Type.Integer(),
  fileName: Str,
  createdAt: Str,
  updatedAt: Str,
  lastAttemptAt: NStr,
  resolvedAt: NStr,
  resolvedBy: NStr,
  resolutionNote: NStr,
  /** Zoho's computed total, and Zoho's minus NetSuite's (null: no total to compare). */
  zohoTotal: NStr,
  totalDifference: NStr,
  zoho: Type.Object({
    operation: NStr,
    statusCode: NInt,
    code: NInt,
    message: NStr,
    error: NStr,
    at: NStr,
  }),
});
export type FailedBillView = Static<typeof FailedBillView>;

export const FailedBillsQuery = Type.Object({
  state: Type.Optional(Type.Union([Type.Literal("open"), Type.Literal("resolved"), Type.Literal("all")])),
  from: Type.Optional(Type.String({ format: "date-time" })),
  to: Type.Optional(Type.String({ format: "date-time" })),
  netsuiteBillId: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Count),
});

export const FailedBillList = Type.Object({ items: Type.Array(FailedBillView) });

/** One row of the audit log (api_audit_logs): a call to Zoho. */
export const ZohoCallView = Type.Object({
  at: Str,
  operation: Str,
  method: Str,
  url: Str,
  statusCode: NInt,
  zohoCode: NInt,
  durationMs: NInt,
  response: Type.Unknown(),
  error: NStr,
});
export type ZohoCallView = Static<typeof ZohoCallView>;

// ---- operator actions ----

export const OperatorActionView = Type.Object({
  id: Type.Integer(),
  at: Str,
  actor: Str,
  action: Str,
  reason: Str,
  channel: Str,
  transactionIds: Type.Array(Str),
  details: Type.Unknown(),
});
export type OperatorActionView = Static<typeof OperatorActionView>;

export const OperatorActionsQuery = Type.Object({
  transactionId: Type.Optional(Uuid),
  limit: Type.Optional(Count),
});

export const OperatorActionList = Type.Object({ items: Type.Array(OperatorActionView) });

/** One bill's error with every Zoho call and operator action. */
export const FailedBillDetail = Type.Object({
  item: FailedBillView,
  zohoCalls: Type.Array(ZohoCallView),
  actions: Type.Array(OperatorActionView),
});
export type FailedBillDetail = Static<typeof FailedBillDetail>;

// ---- changes: retry and resolve ----

const ChangeFields = {
  ids: Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true }),
  /** Who is doing this: a person, recorded in operator_actions with the admin key's name. */
  operator: NonBlank(200),
  /** Why, for the next on-call engineer (stored on the operator action). */
  reason: NonBlank(2000),
};

export const RetryBody = Type.Object(
  {
    ...ChangeFields,
    fix: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: "Partial bill target, e.g. {details:{vendorId}}" }),
    ),
  },
  { additionalProperties: false },
);
export type RetryBody = Static<typeof RetryBody>;

export const ResolveBody = Type.Object(ChangeFields, { additionalProperties: false });
export type ResolveBody = Static<typeof ResolveBody>;

const Skipped = Type.Array(Type.Object({ id: Str, reason: Str }));

/**
 * `requeued`: the retried bills whose fresh message was sent. The glossary's word is "retry", but
 * this is a field operators' clients already read; renaming it is an API change, not a refactor.
 */
export const RetryResult = Type.Object({
  actionId: NInt,
  requeued: Type.Array(Type.Object({ id: Str, messageId: NStr })),
  skipped: Skipped,
  sendFailed: Type.Array(Type.Object({ id: Str, error: Str })),
  removedFromDlq: Type.Integer(),
});

export const ResolveResult = Type.Object({
  actionId: NInt,
  resolved: Type.Array(Str),
  skipped: Skipped,
  removedFromDlq: Type.Integer(),
});

// ---- the DLQ ----

export const DlqQuery = Type.Object({ max: Type.Optional(Count) });

export const DlqList = Type.Object({
  items: Type.Array(
    Type.Object({
      messageId: Str,
      transactionId: NStr,
      netsuiteBillId: NStr,
      receiveCount: Type.Integer(),
      sentAt: NStr,
    }),
  ),
});
