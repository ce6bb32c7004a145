/**
 * GET /console/bills/:id: one bill: its timeline, its PDF (a presigned link valid for minutes, to
 * the processed copy once delivered: pdf-link.ts), NetSuite's fields next to what was last sent to
 * Zoho, NetSuite's total next to the one Zoho computed (flagged when they differ), and (when
 * failed) the retry, fix and resolve forms. The detail query is the admin API's (lib/operations/failed-bills.ts).
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { BillTarget } from "../../../../lib/bill.ts";
import { getBillErrorDetail } from "../../../../lib/operations/failed-bills.ts";
import { compareFields, totalsDiffer } from "../compare.ts";
import { findPdf, pdfLink } from "../pdf-link.ts";
import { plainReason } from "../plain-reason.ts";
import { billRecord, lastSentToZoho, summarize } from "../queries/bills.ts";
import { buildTimeline } from "../timeline.ts";

export const BillParams = Type.Object({ id: Type.String({ format: "uuid" }) });

/** The lines an operator may correct, as the JSON the fix form shows. */
function editableLines(bill: unknown): string {
  const d = BillTarget.safeParse(bill ?? {}).data?.details;
  const lines = { expenseLines: d?.expenseLines, itemLines: d?.itemLines };
  return lines.expenseLines || lines.itemLines ? JSON.stringify(lines, null, 2) : "";
}

const billDetail: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/bills/:id", { schema: { params: BillParams } }, async (req, reply) => {
    const d = await getBillErrorDetail(app.adminDb, req.params.id);
    const record = await billRecord(app.adminDb, req.params.id);
    if (!record) return reply.callNotFound();
    const t = d.transaction;
    const [sent, pdfCopy] = await Promise.all([
      lastSentToZoho(app.adminDb, t.id),
      findPdf(
        app.aws.s3,
        { status: t.status, s3_bucket: record.s3_bucket, s3_key: record.s3_key },
        app.config.PROCESSED_BUCKET,
      ),
    ]);
    const pdf = pdfCopy && {
      copy: pdfCopy.copy,
      url: await pdfLink(app.aws.s3, pdfCopy.bucket, pdfCopy.key, t.file_name),
    };
    const details = BillTarget.safeParse(record.bill ?? {}).data?.details;
    const totals = { zohoTotal: t.zoho_total, difference: t.total_difference };
    return reply.page("bill", `Bill ${t.netsuite_bill_id}`, {
      t,
      record,
      summary: summarize(record.bill),
      vendorId: details?.vendorId ?? "",
      vendorName: details?.vendorName ?? "",
      lines: editableLines(record.bill),
      reason:
        t.status === "failed"
          ? plainReason({
              error: t.error_message,
              zohoStatus: t.zoho_status_code,
              zohoCode: t.zoho_code,
              zohoMessage: t.zoho_message,
            })
          : null,
      timeline: buildTimeline(t, d.zohoCalls, d.actions, record.completed_at),
      sent: sent ?? null,
      compare: compareFields(record.bill, sent ?? null, totals),
      totals: { ...totals, differs: totalsDiffer(totals) },
      pdf,
      live: t.status === "pending" || t.status === "processing",
    });
  });
};
export default billDetail;
