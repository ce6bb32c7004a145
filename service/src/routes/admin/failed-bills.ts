/**
 * Failed bills under /admin/v1/errors (Celigo's Errors page as the model): list them with Zoho's
 * last answer, show one with every Zoho call and operator action. Read-only; retry and resolve are
 * in failed-bill-changes.ts. The queries are lib/operations/failed-bills.ts, shared with
 * scripts/ops/failed-bills.ts.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import {
  type AuditCall,
  type FailedBill,
  getBillErrorDetail,
  listFailedBills,
} from "../../../../lib/operations/failed-bills.ts";
import {
  AdminErrors,
  FailedBillDetail,
  FailedBillList,
  FailedBillsQuery,
  type FailedBillView,
  TransactionIdParams,
  type ZohoCallView,
} from "../../schemas/admin.ts";
import { isoOrNull } from "../../schemas/common.ts";
import { toOperatorActionView } from "./operator-actions.ts";

function toFailedBillView(r: FailedBill): FailedBillView {
  return {
    transactionId: r.id,
    netsuiteBillId: r.netsuite_bill_id,
    status: r.status,
    error: r.error_message,
    retryCount: r.retry_count,
    fileName: r.file_name,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    lastAttemptAt: isoOrNull(r.last_attempt_at),
    resolvedAt: isoOrNull(r.resolved_at),
    resolvedBy: r.resolved_by,
    resolutionNote: r.resolution_note,
    zohoTotal: r.zoho_total,
    totalDifference: r.total_difference,
    zoho: {
      operation: r.zoho_operation,
      statusCode: r.zoho_status_code,
      code: r.zoho_code,
      message: r.zoho_message,
      error: r.zoho_error,
      at: isoOrNull(r.zoho_at),
    },
  };
}

function toZohoCallView(c: AuditCall): ZohoCallView {
  return {
    at: new Date(c.created_at).toISOString(),
    operation: c.operation,
    method: c.method,
    url: c.url,
    statusCode: c.status_code,
    zohoCode: c.zoho_code,
    durationMs: c.duration_ms,
    response: c.response,
    error: c.error,
  };
}

const tags = ["admin"];

const failedBills: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/admin/v1/errors",
    {
      schema: {
        summary: "Failed bills with Zoho's last answer (open by default)",
        tags,
        hide: true,
        querystring: FailedBillsQuery,
        response: { 200: FailedBillList, ...AdminErrors },
      },
    },
    async (req) => {
      const q = req.query;
      const rows = await listFailedBills(app.adminDb, {
        state: q.state,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        netsuiteBillId: q.netsuiteBillId,
        limit: q.limit ? Number(q.limit) : undefined,
      });
      return { items: rows.map(toFailedBillView) };
    },
  );

  app.get(
    "/admin/v1/errors/:id",
    {
      schema: {
        summary: "One bill's error with every Zoho call and operator action",
        tags,
        hide: true,
        params: TransactionIdParams,
        response: { 200: FailedBillDetail, ...AdminErrors },
      },
    },
    async (req) => {
      const d = await getBillErrorDetail(app.adminDb, req.params.id);
      req.log = req.log.child({ transactionId: d.transaction.id });
      return {
        item: toFailedBillView(d.transaction),
        zohoCalls: d.zohoCalls.map(toZohoCallView),
        actions: d.actions.map(toOperatorActionView),
      };
    },
  );
};
export default failedBills;
