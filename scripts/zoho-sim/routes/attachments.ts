/**
 * Bill attachment: POST (multipart field `attachment`; gif, png, jpeg, jpg, bmp, pdf), GET (the
 * bytes of the latest file) and DELETE. A second POST adds a document (up to
 * limits.maxAttachmentsPerBill) rather than replacing, so a duplicate upload stays visible in
 * documents[] and in /__sim/stats; Zoho's own behaviour here is unconfirmed.
 * @see https://www.zoho.com/books/api/v3/bills/#add-attachment-to-a-bill
 */
import type { FastifyPluginAsync } from "fastify";
import { organizationOf, sendZoho } from "../plugins/books-guard.ts";
import type { SimState } from "../state.ts";
import { ZohoErrors } from "../zoho-errors.ts";
import { readMultipart } from "./upload.ts";

export interface AttachmentsOptions {
  sim: SimState;
}

const CONTENT_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  png: "image/png",
  gif: "image/gif",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  bmp: "image/bmp",
};

type Params = { Params: { bill_id: string } };

export const attachmentsRoutes: FastifyPluginAsync<AttachmentsOptions> = async (app, { sim }) => {
  app.post<Params>("/bills/:bill_id/attachment", async (request, reply) => {
    const org = organizationOf(sim, request)!;
    const bill = org.store.bills.get(request.params.bill_id);
    if (!bill) return sendZoho(reply, ZohoErrors.billNotFound());
    if (!request.isMultipart()) return sendZoho(reply, ZohoErrors.invalidValue("attachment"));
    const body = await readMultipart(request, sim.limits.maxAttachmentBytes);
    if (body.problem) return sendZoho(reply, body.problem);
    if (!body.attachment) return sendZoho(reply, ZohoErrors.invalidValue("attachment"));
    if (bill.documents.length >= sim.limits.maxAttachmentsPerBill) {
      return sendZoho(reply, ZohoErrors.tooManyAttachments(sim.limits.maxAttachmentsPerBill));
    }
    org.store.attach(
      bill,
      body.attachment.fileName,
      body.attachment.bytes,
      sim.options.storeAttachmentBytes,
      Date.now(),
    );
    return reply.code(201).send({ code: 0, message: "The document has been attached." });
  });

  app.get<Params>("/bills/:bill_id/attachment", async (request, reply) => {
    const org = organizationOf(sim, request)!;
    const bill = org.store.bills.get(request.params.bill_id);
    if (!bill) return sendZoho(reply, ZohoErrors.billNotFound());
    const doc = bill.documents[bill.documents.length - 1];
    if (!doc?.bytes) return sendZoho(reply, ZohoErrors.attachmentNotFound());
    return reply
      .code(200)
      .type(CONTENT_TYPES[doc.file_type] ?? "application/octet-stream")
      .header("Content-Disposition", `attachment; filename="${doc.file_name.replace(/["\\\r\n]/g, "_")}"`)
      .send(doc.bytes);
  });

  app.delete<Params>("/bills/:bill_id/attachment", async (request, reply) => {
    const org = organizationOf(sim, request)!;
    const bill = org.store.bills.get(request.params.bill_id);
    if (!bill) return sendZoho(reply, ZohoErrors.billNotFound());
    if (bill.documents.length === 0) return sendZoho(reply, ZohoErrors.attachmentNotFound());
    org.store.deleteAttachments(bill, Date.now());
    return reply.code(200).send({ code: 0, message: "The attachment has been deleted." });
  });
};
