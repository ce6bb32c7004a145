/** GET /admin/v1/operator-actions: who did what to which bill, and why (newest first). */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { listOperatorActions, type OperatorAction } from "../../../../lib/operations/operator-actions.ts";
import { AdminErrors, OperatorActionList, OperatorActionsQuery, type OperatorActionView } from "../../schemas/admin.ts";

export function toOperatorActionView(a: OperatorAction): OperatorActionView {
  return {
    id: a.id,
    at: new Date(a.created_at).toISOString(),
    actor: a.actor,
    action: a.action,
    reason: a.reason,
    channel: a.channel,
    transactionIds: a.transaction_ids,
    details: a.details,
  };
}

const operatorActions: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/admin/v1/operator-actions",
    {
      schema: {
        summary: "Operator actions, newest first",
        tags: ["admin"],
        hide: true,
        querystring: OperatorActionsQuery,
        response: { 200: OperatorActionList, ...AdminErrors },
      },
    },
    async (req) => {
      const actions = await listOperatorActions(app.adminDb, {
        transactionId: req.query.transactionId,
        limit: req.query.limit ? Number(req.query.limit) : undefined,
      });
      return { items: actions.map(toOperatorActionView) };
    },
  );
};
export default operatorActions;
