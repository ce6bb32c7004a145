/**
 * POST /api/convert/base64-to-binary: the seed's endpoint, kept working for NetSuite scripts that
 * have not moved to /api/v1/bills. Same durable path and auth; announces its retirement with
 * Deprecation (RFC 9745), Sunset (RFC 8594) and Link rel="successor-version" (RFC 5829).
 * Without a netsuiteBillId the content hash is the idempotency key ("sha256-<hex>").
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { BillTarget } from "../../../../lib/bill.ts";
import { ERR_INVALID_BASE64 } from "../../errors.ts";
import { maxBase64Length } from "../../ingest/base64.ts";
import { replyAccepted } from "../../ingest/reply.ts";
import { BillAccepted } from "../../schemas/bills.ts";
import { errorResponses } from "../../schemas/common.ts";
import { LegacyBody } from "../../schemas/legacy.ts";
import { JSON_OVERHEAD_BYTES } from "./bills.ts";

const legacy: FastifyPluginAsyncTypebox = async (app) => {
  const c = app.config;
  const deprecation = `@${Math.floor(Date.parse(c.LEGACY_DEPRECATED_AT) / 1000)}`;
  const successor = '</api/v1/bills>; rel="successor-version"';

  app.post(
    "/api/convert/base64-to-binary",
    {
      bodyLimit: maxBase64Length(c.MAX_PDF_BYTES) + JSON_OVERHEAD_BYTES,
      config: { ingest: true },
      schema: {
        summary: "Deprecated: use POST /api/v1/bills",
        deprecated: true,
        tags: ["legacy"],
        body: LegacyBody,
        response: { 200: BillAccepted, 202: BillAccepted, ...errorResponses(400, 401, 409, 413, 415, 429, 500, 503) },
      },
      // Every answer, errors included, tells the caller to move.
      onRequest: async (_req, reply) => {
        reply.header("deprecation", deprecation).header("sunset", c.LEGACY_SUNSET).header("link", successor);
      },
    },
    async (req, reply) => {
      const b = req.body;
      const data = b.base64Data ?? b.base64;
      if (data === undefined) throw ERR_INVALID_BASE64("send the PDF as base64Data");
      const target =
        b.zohoBillId || b.referenceNumber
          ? BillTarget.parse({ zohoBillId: b.zohoBillId, referenceNumber: b.referenceNumber })
          : null;
      const result = await app.tracing.run(req, () =>
        app.ingest.accept(
          {
            netsuiteBillId: b.netsuiteBillId === undefined ? null : String(b.netsuiteBillId),
            fileName: b.fileName ?? "document.pdf",
            mimeType: b.mimeType ?? "application/pdf",
            base64Data: data,
            target,
            apiKeyName: req.apiKey?.name ?? null,
            apiKeyGroup: req.apiKey?.group ?? null,
          },
          req.log,
        ),
      );
      return replyAccepted(app, req, reply, result);
    },
  );
};
export default legacy;
