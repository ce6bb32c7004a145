/** POST /api/v1/bills: accept one bill (202), or answer a retry (200) or a conflict (409). */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { parseBillTarget } from "../../../../lib/bill-checks.ts";
import { ERR_INVALID_BILL_TARGET } from "../../errors.ts";
import { maxBase64Length } from "../../ingest/base64.ts";
import { replyAccepted } from "../../ingest/reply.ts";
import { BillAccepted, BillBody } from "../../schemas/bills.ts";
import { errorResponses } from "../../schemas/common.ts";

/** Room for the other fields (bill details with line items) on top of the largest base64 PDF. */
export const JSON_OVERHEAD_BYTES = 1024 * 1024;

const bills: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    "/api/v1/bills",
    {
      bodyLimit: maxBase64Length(app.config.MAX_PDF_BYTES) + JSON_OVERHEAD_BYTES,
      config: { ingest: true, pdfApart: true },
      schema: {
        summary: "Submit a vendor-bill PDF for delivery to Zoho Books",
        tags: ["bills"],
        body: BillBody,
        response: {
          200: BillAccepted,
          202: BillAccepted,
          ...errorResponses(400, 401, 409, 413, 415, 429, 500, 503),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (b.zohoBillId && b.billDetails) {
        throw ERR_INVALID_BILL_TARGET("send zohoBillId or billDetails, not both");
      }
      if (!b.zohoBillId && !b.billDetails && !b.referenceNumber) {
        throw ERR_INVALID_BILL_TARGET("send zohoBillId, billDetails or referenceNumber so the bill can be found");
      }
      const target = parseBillTarget({
        zohoBillId: b.zohoBillId,
        referenceNumber: b.referenceNumber ?? b.billDetails?.referenceNumber,
        details: b.billDetails,
      });
      // The ingest service owns the decoded PDF from here (it may reuse its memory once stored).
      const pdfBytes = req.pdfBytes;
      req.pdfBytes = undefined;
      const result = await app.tracing.run(req, () =>
        app.ingest.accept(
          {
            netsuiteBillId: b.netsuiteBillId,
            fileName: b.fileName,
            mimeType: b.mimeType,
            base64Data: b.base64Data,
            pdfBytes,
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
export default bills;
