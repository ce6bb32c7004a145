/** The 202/200 answer shared by the v1 and legacy ingest routes. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { BillAccepted } from "../schemas/bills.ts";
import type { Accepted } from "./ingest-service.ts";

export function statusUrl(app: FastifyInstance, id: string): string {
  const path = `/api/v1/transactions/${id}`;
  return app.config.PUBLIC_BASE_URL ? new URL(path, app.config.PUBLIC_BASE_URL).toString() : path;
}

export function replyAccepted(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, result: Accepted) {
  const { row, created } = result;
  req.log = reply.log = req.log.child({ transactionId: row.id, netsuiteBillId: row.netsuite_bill_id });
  req.log.info({ created, fileSize: row.file_size }, created ? "bill accepted" : "bill already accepted (retry)");
  const url = statusUrl(app, row.id);
  const body: BillAccepted = { transactionId: row.id, status: row.status, statusUrl: url };
  return reply
    .code(created ? 202 : 200)
    .header("location", url)
    .send(body);
}
