/**
 * POST /api/convert/base64-to-binary: the seed's endpoint, kept for existing NetSuite scripts. Its
 * payload was never written down, so it is lenient: the data as base64Data or base64, everything
 * else optional, unknown fields ignored (read by name only, never merged anywhere).
 */
import { type Static, Type } from "typebox";
import { NetsuiteBillId } from "./bills.ts";

export const LegacyBody = Type.Object(
  {
    base64Data: Type.Optional(Type.String()),
    base64: Type.Optional(Type.String({ description: "Alias of base64Data" })),
    fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    mimeType: Type.Optional(Type.String({ maxLength: 100 })),
    netsuiteBillId: Type.Optional(Type.Union([NetsuiteBillId, Type.Integer({ minimum: 0 })])),
    zohoBillId: Type.Optional(Type.String({ pattern: "^[0-9]{1,30}$" })),
    referenceNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: true },
);
export type LegacyBody = Static<typeof LegacyBody>;
