/** POST /api/v1/transactions/status: the delivery status of up to 100 bills in one call. */
import { type Static, Type } from "typebox";
import { NetsuiteBillId } from "./bills.ts";
import { TransactionStatus } from "./transactions.ts";

/** Ids per call: one NetSuite page (the status script asks about 100 bills per call). */
export const MAX_STATUS_IDS = 100;

export const StatusLookupBody = Type.Object(
  {
    netsuiteBillIds: Type.Array(NetsuiteBillId, {
      minItems: 1,
      maxItems: MAX_STATUS_IDS,
      uniqueItems: true,
      description: "The NetSuite ids the bills were sent with (netsuiteBillId of POST /api/v1/bills)",
    }),
  },
  { additionalProperties: false },
);
export type StatusLookupBody = Static<typeof StatusLookupBody>;

const NullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

export const BillStatus = Type.Object(
  {
    netsuiteBillId: Type.String(),
    transactionId: Type.String({ format: "uuid" }),
    status: TransactionStatus,
    zohoBillId: NullableString("The bill's id in Zoho Books, once it exists there"),
    failureReason: NullableString("Why the bill failed (status failed only)"),
    updatedAt: Type.String({ format: "date-time" }),
  },
  { additionalProperties: false },
);
export type BillStatus = Static<typeof BillStatus>;

export const StatusLookupReply = Type.Object(
  {
    transactions: Type.Array(BillStatus, { description: "In the order of the ids asked for" }),
    notFound: Type.Array(Type.String(), { description: "Ids with no bill this key may see" }),
  },
  { additionalProperties: false },
);
export type StatusLookupReply = Static<typeof StatusLookupReply>;
