/**
 * Changes to failed bills: POST /admin/v1/errors/retry (one or many, optionally fixing the bill
 * data first) and POST /admin/v1/errors/resolve (close without delivering). The logic is
 * lib/operations/{retry,resolve}.ts, shared with scripts/ops/failed-bills.ts; every change writes an
 * operator action naming the person, the reason and the admin key.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import type { Operator } from "../../../../lib/operations/operator-actions.ts";
import { resolveFailedBills } from "../../../../lib/operations/resolve.ts";
import { retryFailedBills } from "../../../../lib/operations/retry.ts";
import { AdminErrors, ResolveBody, ResolveResult, RetryBody, RetryResult } from "../../schemas/admin.ts";

/**
 * The operator is the admin key's name (one key per person), never what the client says; the body's
 * `operator` is kept as context only.
 */
function operatorOf(req: FastifyRequest, body: { operator: string; reason: string }): Operator {
  if (!req.adminKeyName) throw new Error("admin route reached without an admin key (routes/admin/autohooks.ts)");
  return {
    actor: req.adminKeyName,
    reason: body.reason,
    channel: "admin-api",
    context: { adminKey: req.adminKeyName, statedOperator: body.operator, requestId: req.id },
  };
}

const tags = ["admin"];

const failedBillChanges: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    "/admin/v1/errors/retry",
    {
      schema: {
        summary: "Retry failed bills; with `fix` (one id only) correct the bill data first",
        tags,
        hide: true,
        body: RetryBody,
        response: { 200: RetryResult, ...AdminErrors },
      },
    },
    async (req) => {
      const r = await retryFailedBills(
        { db: app.adminDb, sqs: app.aws.sqs, queueUrl: app.config.QUEUE_URL, dlqUrl: app.config.DLQ_URL },
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
        response: { 200: ResolveResult, ...AdminErrors },
      },
    },
    async (req) => {
      const r = await resolveFailedBills(
        app.adminDb,
        { ids: req.body.ids, operator: operatorOf(req, req.body) },
        { sqs: app.aws.sqs, dlqUrl: app.config.DLQ_URL },
      );
      return { ...r, resolved: [...r.resolved], skipped: [...r.skipped] };
    },
  );
};
export default failedBillChanges;
