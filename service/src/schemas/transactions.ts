/** GET /api/v1/transactions/:id */
import { type Static, Type } from "typebox";

/** A transaction's status: the values of the transactions.status column (lib/bill.ts TRANSACTION_STATUSES). */
export const TransactionStatus = Type.Union([
  Type.Literal("pending"),
  Type.Literal("processing"),
  Type.Literal("success"),
  Type.Literal("failed"),
]);

export const TransactionParams = Type.Object({ id: Type.String({ format: "uuid" }) });

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Timestamp = () => Nullable(Type.String({ format: "date-time" }));

export const TransactionView = Type.Object(
  {
    transactionId: Type.String({ format: "uuid" }),
    netsuiteBillId: Type.String(),
    status: TransactionStatus,
    fileName: Type.String(),
    fileSize: Type.Integer(),
    sha256: Type.String(),
    retryCount: Type.Integer(),
    lastError: Nullable(Type.String()),
    zohoBillId: Nullable(Type.String()),
    zohoDocumentId: Nullable(Type.String()),
    createdAt: Type.String({ format: "date-time" }),
    updatedAt: Type.String({ format: "date-time" }),
    enqueuedAt: Timestamp(),
    lastAttemptAt: Timestamp(),
    completedAt: Timestamp(),
  },
  { additionalProperties: false },
);
export type TransactionView = Static<typeof TransactionView>;
