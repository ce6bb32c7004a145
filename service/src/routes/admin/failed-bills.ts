/**
 * Failed bills under /admin/v1/errors (Celigo's Errors page as the model): list them with Zoho's
 * answer, show one with every Zoho call, retry one or many (optionally fixing the bill data first),
 * resolve with who and why. The logic is lib/operations/, shared with scripts/ops/failed-bills.ts;
 * every change writes an operator action there, naming the person and the admin key.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import {
  type AuditCall,
  type FailedBill,
  getBillErrorDetail,
  listFailedBills,
} from "../../../../lib/operations/failed-bills.ts";
import type { Operator } from "../../../../lib/operations/operator-actions.ts";
import { resolveFailedBills } from "../../../../lib/operations/resolve.ts";
import { retryFailedBills } from "../../../../lib/operations/retry.ts";
import {
  FailedBillDetail,
  FailedBillList,
  FailedBillsQuery,
  type FailedBillView,
  ResolveBody,
  ResolveResult,
  RetryBody,
  RetryResult,
  TransactionIdParams,
  type ZohoCallView,
} from "../../schemas/admin.ts";
import { errorResponses, isoOrNull } from "../../schemas/common.ts";
import { toOperatorActionView } from "./operator-actions.ts";

export function toFailedBillView(r: FailedBill): FailedBillView {
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

/** The person named in the body, with the admin key and request id as context on the operator action. */
function operatorOf(req: FastifyRequest, body: { operator: string; reason: string }): Operator {
  return {
    actor: body.operator,
    reason: body.reason,
    channel: "admin-api",
    context: { adminKey: req.adminKeyName ?? "unknown", requestId: req.id },
  };
}

const tags = ["admin"];
const errors = errorResponses(400, 401, 404, 429, 500);

const failedBills: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/admin/v1/errors",
    {
      schema: {
        summary: "Failed bills with Zoho's last answer (open by default)",
        tags,
        hide: true,
        querystring: FailedBillsQuery,
        response: { 200: FailedBillList, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const rows = await listFailedBills(app.db, {
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
        response: { 200: FailedBillDetail, ...errors },
      },
    },
    async (req) => {
      const d = await getBillErrorDetail(app.db, req.params.id);
      req.log = req.log.child({ transactionId: d.transaction.id });
      return {
        item: toFailedBillView(d.transaction),
        zohoCalls: d.zohoCalls.map(toZohoCallView),
        actions: d.actions.map(toOperatorActionView),
      };
    },
  );

  app.post(
    "/admin/v1/errors/retry",
    {
      schema: {
        summary: "Retry failed bills; with `fix` (one id only) correct the bill data first",
        tags,
        hide: true,
        body: RetryBody,
        response: { 200: RetryResult, ...errors },
      },
    },
    async (req) => {
      const r = await retryFailedBills(
        { db: app.db, sqs: app.aws.sqs, queueUrl: app.config.QUEUE_URL, dlqUrl: app.config.DLQ_URL },
        { ids: req.body.ids, operator: operatorOf(req, req.body), billFix: req.body.fix },
      );
      return { ...r, requeued: [...r.requeued], skipped: [...r.skipped], sendFailed: [...r.sendFailed] };
    },
  );

  app.post(
    "/admin/v1/errors/resolve",
    {
      schema: {
        summary: "Mark failed bills resolved (no further delivery wanted), with who and why; drops their DLQ copies",
        tags,
        hide: true,
        body: ResolveBody,
        response: { 200: ResolveResult, ...errors },
      },
    },
    async (req) => {
      const r = await resolveFailedBills(
        app.db,
        { ids: req.body.ids, operator: operatorOf(req, req.body) },
        { sqs: app.aws.sqs, dlqUrl: app.config.DLQ_URL },
      );
      return { ...r, resolved: [...r.resolved], skipped: [...r.skipped] };
    },
  );
};
export default failedBills;
