/**
 * POST /api/v1/transactions/status: the delivery status of up to 100 bills by their NetSuite ids, so
 * that NetSuite's status script learns the outcome of a page of bills in one call (10 units) instead
 * of one GET per bill. A key sees its own group's bills only (auth/transaction-access.ts); the others
 * are listed as not found, like ids that do not exist.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ERR_UNAUTHORIZED } from "../../errors.ts";
import { errorResponses } from "../../schemas/common.ts";
import { type BillStatus, StatusLookupBody, StatusLookupReply } from "../../schemas/transaction-status.ts";
import { findBillStatuses, type StatusRow } from "../../transactions/bill-statuses.ts";

function toStatus(r: StatusRow): BillStatus {
  return {
    netsuiteBillId: r.netsuite_bill_id,
    transactionId: r.id,
    status: r.status,
    zohoBillId: r.zoho_bill_id,
    // error_message also holds the last transient error of a bill still being retried: not a failure.
    failureReason: r.status === "failed" ? r.error_message : null,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

const transactionStatus: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    "/api/v1/transactions/status",
    {
      schema: {
        summary: "Delivery status of up to 100 bills, by NetSuite bill id",
        tags: ["bills"],
        body: StatusLookupBody,
        response: { 200: StatusLookupReply, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (req) => {
      if (!req.apiKey) throw ERR_UNAUTHORIZED(); // the folder's onRequest hook has set it
      const { found, notFound } = await findBillStatuses(app.db, req.apiKey, req.body.netsuiteBillIds);
      return { transactions: found.map(toStatus), notFound: [...notFound] };
    },
  );
};
export default transactionStatus;
