/**
 * GET /api/v1/transactions/:id: status, timestamps, Zoho ids and the last error of one bill, for
 * the key group that sent it (auth/transaction-access.ts); any other key gets the same 404 as for
 * an id that does not exist.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { TransactionRow } from "../../../../lib/bill.ts";
import { findTransaction } from "../../../../lib/transactions.ts";
import { mayReadTransaction } from "../../auth/transaction-access.ts";
import { ERR_NOT_FOUND } from "../../errors.ts";
import { errorResponses, isoOrNull } from "../../schemas/common.ts";
import { TransactionParams, TransactionView } from "../../schemas/transactions.ts";

function toView(r: TransactionRow): TransactionView {
  return {
    transactionId: r.id,
    netsuiteBillId: r.netsuite_bill_id,
    status: r.status,
    fileName: r.file_name,
    fileSize: r.file_size,
    sha256: r.content_sha256,
    retryCount: r.retry_count,
    lastError: r.error_message,
    zohoBillId: r.zoho_bill_id,
    zohoDocumentId: r.zoho_document_id,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    enqueuedAt: isoOrNull(r.enqueued_at),
    lastAttemptAt: isoOrNull(r.last_attempt_at),
    completedAt: isoOrNull(r.completed_at),
  };
}

const transactions: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/api/v1/transactions/:id",
    {
      schema: {
        summary: "Status of one submitted bill",
        tags: ["bills"],
        params: TransactionParams,
        response: { 200: TransactionView, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (req) => {
      const row = await findTransaction(app.db, req.params.id);
      if (!row || !mayReadTransaction(row, req.apiKey)) throw ERR_NOT_FOUND("Transaction");
      req.log = req.log.child({ transactionId: row.id });
      return toView(row);
    },
  );
};
export default transactions;
