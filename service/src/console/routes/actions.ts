/**
 * The console's changes, each through the admin API's operation (lib/operations/retry.ts and
 * resolve.ts: same validation, same row locks, same operator action): retry one bill, fix and retry
 * it, resolve it with a note, and retry or resolve a filtered list at once. The operator is the
 * session's admin key name, never a form field. A refused change (bad fix, wrong state) comes back
 * as a message on the page it came from, with nothing changed.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { OperationError } from "../../../../lib/operations/operation-error.ts";
import type { Operator } from "../../../../lib/operations/operator-actions.ts";
import { resolveFailedBills } from "../../../../lib/operations/resolve.ts";
import { retryFailedBills } from "../../../../lib/operations/retry.ts";
import { billFixFromForm, FixForm } from "../bill-fix.ts";
import { describeResolve, describeRetry } from "../outcome-text.ts";
import { signOut } from "../session.ts";
import { BillParams } from "./bill-detail.ts";

const Note = Type.String({ maxLength: 2000 });
const Ids = Type.Union([
  Type.String({ format: "uuid" }),
  Type.Array(Type.String({ format: "uuid" }), { maxItems: 500 }),
]);
const BulkBody = Type.Object({
  ids: Ids,
  note: Type.Optional(Note),
  back: Type.Optional(Type.String({ maxLength: 2000 })),
});
const NoteBody = Type.Object({ note: Note });
const RetryBody = Type.Object({ note: Type.Optional(Note) });

/** The session's operator; the console records itself in the action's context. */
function operatorFor(req: FastifyRequest, note: string | undefined, fallback: string | null): Operator {
  const name = req.session.operator ?? "unknown";
  const reason = note?.trim() || fallback;
  if (!reason) throw new OperationError("ERR_NOTE_REQUIRED", "say why in the note (it is kept with the action)");
  return {
    actor: name,
    reason,
    channel: "admin-api",
    context: { via: "console", adminKey: name, requestId: req.id },
  };
}

/** Runs a change; an OperationError (the operator's to correct) becomes the page's message. */
async function change(req: FastifyRequest, reply: FastifyReply, back: string, run: () => Promise<string>) {
  try {
    req.session.flash = { kind: "ok", text: await run() };
  } catch (err) {
    if (!(err instanceof OperationError)) throw err;
    req.log.info({ code: err.code, reason: err.message }, "console change refused");
    req.session.flash = { kind: "error", text: `Nothing was changed: ${err.message}` };
  }
  return reply.redirect(back, 303);
}

/** Only back to a console list page (no open redirect through the form). */
const backTo = (back: string | undefined) =>
  back && /^\/console\/failed(\?[^\s]*)?$/.test(back) ? back : "/console/failed";
const asList = (ids: string | string[]) => (Array.isArray(ids) ? ids : [ids]);

const actions: FastifyPluginAsyncTypebox = async (app) => {
  const queue = { db: app.adminDb, sqs: app.aws.sqs, queueUrl: app.config.QUEUE_URL, dlqUrl: app.config.DLQ_URL };
  const dlq = { sqs: app.aws.sqs, dlqUrl: app.config.DLQ_URL };

  app.post("/bills/:id/retry", { schema: { params: BillParams, body: RetryBody } }, (req, reply) =>
    change(req, reply, `/console/bills/${req.params.id}`, async () => {
      const op = operatorFor(req, req.body.note, "retried from the console");
      return describeRetry(await retryFailedBills(queue, { ids: [req.params.id], operator: op }));
    }),
  );

  app.post("/bills/:id/fix", { schema: { params: BillParams, body: FixForm } }, (req, reply) =>
    change(req, reply, `/console/bills/${req.params.id}`, async () => {
      const billFix = await billFixFromForm(app.adminDb, req.params.id, req.body);
      const op = operatorFor(req, req.body.note, `fixed ${Object.keys(billFix.details ?? {}).join(", ")} and retried`);
      return describeRetry(await retryFailedBills(queue, { ids: [req.params.id], operator: op, billFix }));
    }),
  );

  app.post("/bills/:id/resolve", { schema: { params: BillParams, body: NoteBody } }, (req, reply) =>
    change(req, reply, `/console/bills/${req.params.id}`, async () => {
      const op = operatorFor(req, req.body.note, null);
      return describeResolve(await resolveFailedBills(app.adminDb, { ids: [req.params.id], operator: op }, dlq));
    }),
  );

  app.post("/failed/retry", { schema: { body: BulkBody } }, (req, reply) =>
    change(req, reply, backTo(req.body.back), async () => {
      const op = operatorFor(req, req.body.note, "bulk retry from the console");
      return describeRetry(await retryFailedBills(queue, { ids: asList(req.body.ids), operator: op }));
    }),
  );

  app.post("/failed/resolve", { schema: { body: BulkBody } }, (req, reply) =>
    change(req, reply, backTo(req.body.back), async () => {
      const op = operatorFor(req, req.body.note, null);
      return describeResolve(await resolveFailedBills(app.adminDb, { ids: asList(req.body.ids), operator: op }, dlq));
    }),
  );

  app.post("/sign-out", async (req, reply) => {
    await signOut(req, reply);
    return reply.redirect("/console/sign-in", 303);
  });
};
export default actions;
