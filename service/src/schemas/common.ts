/** Shapes shared by every route: the JSON error body. */
import { Type } from "typebox";

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: "Stable machine-readable code, e.g. ERR_BILL_TOO_LARGE" }),
    error: Type.String({ description: "HTTP reason phrase" }),
    message: Type.String({ description: 'Human-readable detail; "Internal Server Error" for 5xx' }),
    requestId: Type.Optional(Type.String({ description: "Quote it when reporting a problem" })),
    transactionId: Type.Optional(Type.String({ description: "The existing transaction, for ERR_BILL_CONFLICT" })),
  },
  { $id: "ErrorResponse", additionalProperties: false },
);

export const errorResponses = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, Type.Ref("ErrorResponse")])) as Record<number, ReturnType<typeof Type.Ref>>;

/** An epoch-milliseconds column as the `date-time` string the schemas declare (null stays null). */
export const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
