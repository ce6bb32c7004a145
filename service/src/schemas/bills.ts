/**
 * POST /api/v1/bills. The bill-details schema is generated from lib/bill.ts (zod) so the service
 * and the worker can never disagree about it; additionalProperties is closed everywhere, which also
 * rejects "__proto__" keys.
 */
import { type Static, Type } from "typebox";
import { z } from "zod";
import { BillDetails } from "../../../lib/bill.ts";
import { TransactionStatus } from "./transactions.ts";

type JsonSchema = { [k: string]: unknown };
function closeObjects(s: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...s };
  delete out.$schema;
  if (out.type === "object" && out.additionalProperties === undefined) out.additionalProperties = false;
  if (out.properties) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Record<string, JsonSchema>).map(([k, v]) => [k, closeObjects(v)]),
    );
  }
  if (out.items) out.items = closeObjects(out.items as JsonSchema);
  return out;
}

export const BillDetailsSchema = Type.Unsafe<z.input<typeof BillDetails>>(
  closeObjects(z.toJSONSchema(BillDetails, { target: "draft-7", io: "input" }) as JsonSchema),
);

/** NetSuite internal ids and the like; never a path separator or a leading dot in the object key. */
export const NetsuiteBillId = Type.String({
  pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$",
  description: "NetSuite's id of the vendor bill: the idempotency key",
  examples: ["48213"],
});

export const BillBody = Type.Object(
  {
    netsuiteBillId: NetsuiteBillId,
    fileName: Type.String({
      minLength: 1,
      maxLength: 255,
      description: "Sanitized before use",
      examples: ["INV-1001.pdf"],
    }),
    mimeType: Type.String({ maxLength: 100, description: "Must be application/pdf (415 otherwise)" }),
    // No length or pattern keywords here: Ajv would walk the 13 MB string; the handler checks it in one pass.
    base64Data: Type.String({ description: "The PDF, standard base64 with padding, no line breaks" }),
    zohoBillId: Type.Optional(
      Type.String({
        pattern: "^[0-9]{1,30}$",
        description: "Attach to this existing Zoho bill (not with billDetails)",
      }),
    ),
    billDetails: Type.Optional(BillDetailsSchema),
    referenceNumber: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "Looked up in Zoho when neither of the above is sent" }),
    ),
  },
  { additionalProperties: false },
);
export type BillBody = Static<typeof BillBody>;

export const BillAccepted = Type.Object(
  {
    transactionId: Type.String({ format: "uuid" }),
    status: TransactionStatus,
    statusUrl: Type.String({ description: "GET this for progress" }),
  },
  { additionalProperties: false },
);
export type BillAccepted = Static<typeof BillAccepted>;
