/**
 * Error management API under /admin/v1 (Celigo's Errors page as the model): list failed bills
 * with Zoho's answer, show one with every Zoho call, retry one or many (optionally fixing the
 * bill data first), resolve with who and why, peek at the DLQ, read the audit of operator actions.
 * The logic is lib/operations.ts, shared with scripts/ops/failed-bills.ts; every change is audited there.
 *
 * Auth: its own key set, ADMIN_API_KEYS, sent as `x-admin-key` (NetSuite's keys cannot reach it).
 * The routes are marked public for the NetSuite-key hook and checked by this plugin's own hook.
 * Without ADMIN_API_KEYS the routes are not registered (404). They are left out of the public
 * OpenAPI document at /docs (NetSuite's contract); this header and runbooks/dlq-growing.md describe them.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { type Static, Type } from "typebox";
import { peekDlq } from "../../../lib/dlq.ts";
import { type FailedBill, getBillErrorDetail, listFailedBills } from "../../../lib/operations/failed-bills.ts";
import { listOperatorActions, type Operator } from "../../../lib/operations/operator-actions.ts";
import { resolveFailedBills } from "../../../lib/operations/resolve.ts";
import { type RequeueResult, retryFailedBills } from "../../../lib/operations/retry.ts";
import { ApiKeyStore, parseApiKeys } from "../auth/api-keys.ts";
import { ERR_UNAUTHORIZED } from "../errors.ts";
import { errorResponses } from "../schemas/common.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const Str = Type.String();
const NStr = Type.Union([Type.String(), Type.Null()]);
const NInt = Type.Union([Type.Integer(), Type.Null()]);
const Uuid = Type.String({ format: "uuid" });
/** Query strings are not coerced (coerceTypes: false), so counts arrive as digits. */
const Count = Type.String({ pattern: "^[1-9][0-9]{0,3}$", description: "1-1000" });
const NonBlank = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: "\\S" });

const ErrorItem = Type.Object({
  transactionId: Uuid,
  netsuiteBillId: Str,
  status: Str,
  error: NStr,
  retryCount: Type.Integer(),
  fileName: Str,
  createdAt: Str,
  updatedAt: Str,
  lastAttemptAt: NStr,
  resolvedAt: NStr,
  resolvedBy: NStr,
  resolutionNote: NStr,
  zoho: Type.Object({
    operation: NStr,
    statusCode: NInt,
    code: NInt,
    message: NStr,
    error: NStr,
    at: NStr,
  }),
});
type ErrorItem = Static<typeof ErrorItem>;

function toItem(r: FailedBill): ErrorItem {
  return {
    transactionId: r.id,
    netsuiteBillId: r.netsuite_bill_id,
    status: r.status,
    error: r.error_message,
    retryCount: r.retry_count,
    fileName: r.file_name,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    lastAttemptAt: iso(r.last_attempt_at),
    resolvedAt: iso(r.resolved_at),
    resolvedBy: r.resolved_by,
    resolutionNote: r.resolution_note,
    zoho: {
      operation: r.zoho_operation,
      statusCode: r.zoho_status_code,
      code: r.zoho_code,
      message: r.zoho_message,
      error: r.zoho_error,
      at: iso(r.zoho_at),
    },
  };
}

const Action = Type.Object({
  id: Type.Integer(),
  at: Str,
  actor: Str,
  action: Str,
  reason: Str,
  channel: Str,
  transactionIds: Type.Array(Str),
  details: Type.Unknown(),
});

const Skipped = Type.Array(Type.Object({ id: Str, reason: Str }));
const RetryResult = Type.Object({
  actionId: NInt,
  requeued: Type.Array(Type.Object({ id: Str, messageId: NStr })),
  skipped: Skipped,
  sendFailed: Type.Array(Type.Object({ id: Str, error: Str })),
  removedFromDlq: Type.Integer(),
});

const ChangeBody = {
  ids: Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true }),
  /** Who is doing this: a person, recorded in operator_actions with the admin key's name. */
  operator: NonBlank(200),
  /** Why, for the audit and the next on-call engineer. */
  reason: NonBlank(2000),
};

const admin: FastifyPluginAsyncTypebox = async (app) => {
  if (!app.config.ADMIN_API_KEYS) return;
  const keys = new ApiKeyStore(parseApiKeys(app.config.ADMIN_API_KEYS));

  app.addHook("onRequest", async (req) => {
    const presented = req.headers["x-admin-key"];
    const key = keys.find(Array.isArray(presented) ? presented[0] : presented);
    if (!key) {
      req.log.warn({ clientIp: req.ip }, "rejected: missing or invalid admin key");
      throw ERR_UNAUTHORIZED();
    }
    req.log = req.log.child({ apiKeyName: key.name });
    req.adminKeyName = key.name;
  });

  const operatorOf = (req: { adminKeyName?: string; id: string }, body: { operator: string; reason: string }) =>
    ({
      actor: body.operator,
      reason: body.reason,
      channel: "admin-api",
      context: { adminKey: req.adminKeyName ?? "unknown", requestId: req.id },
    }) satisfies Operator;

  const route = { public: true } as const;
  const tags = ["admin"];
  const errors = errorResponses(400, 401, 404, 429, 500);

  app.get(
    "/admin/v1/errors",
    {
      config: route,
      schema: {
        summary: "Failed bills with Zoho's last answer (open by default)",
        tags,
        hide: true,
        querystring: Type.Object({
          state: Type.Optional(Type.Union([Type.Literal("open"), Type.Literal("resolved"), Type.Literal("all")])),
          from: Type.Optional(Type.String({ format: "date-time" })),
          to: Type.Optional(Type.String({ format: "date-time" })),
          netsuiteBillId: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Count),
        }),
        response: { 200: Type.Object({ items: Type.Array(ErrorItem) }), ...errors },
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
      return { items: rows.map(toItem) };
    },
  );

  app.get(
    "/admin/v1/errors/:id",
    {
      config: route,
      schema: {
        summary: "One bill's error with every Zoho call and operator action",
        tags,
        hide: true,
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({
            item: ErrorItem,
            zohoCalls: Type.Array(
              Type.Object({
                at: Str,
                operation: Str,
                method: Str,
                url: Str,
                statusCode: NInt,
                zohoCode: NInt,
                durationMs: NInt,
                response: Type.Unknown(),
                error: NStr,
              }),
            ),
            actions: Type.Array(Action),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const d = await getBillErrorDetail(app.db, req.params.id);
      req.log = req.log.child({ transactionId: d.transaction.id });
      return {
        item: toItem(d.transaction),
        zohoCalls: d.zohoCalls.map((c) => ({
          at: new Date(c.created_at).toISOString(),
          operation: c.operation,
          method: c.method,
          url: c.url,
          statusCode: c.status_code,
          zohoCode: c.zoho_code,
          durationMs: c.duration_ms,
          response: c.response,
          error: c.error,
        })),
        actions: d.actions.map(toAction),
      };
    },
  );

  app.post(
    "/admin/v1/errors/retry",
    {
      config: route,
      schema: {
        summary: "Retry failed bills; with `fix` (one id only) correct the bill data first",
        tags,
        hide: true,
        body: Type.Object(
          {
            ...ChangeBody,
            fix: Type.Optional(
              Type.Object(
                {},
                { additionalProperties: true, description: "Partial bill target, e.g. {details:{vendorId}}" },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: RetryResult, ...errors },
      },
    },
    async (req) => {
      const r: RequeueResult = await retryFailedBills(
        { db: app.db, sqs: app.aws.sqs, queueUrl: app.config.QUEUE_URL, dlqUrl: app.config.DLQ_URL },
        { ids: req.body.ids, operator: operatorOf(req, req.body), billFix: req.body.fix },
      );
      return { ...r, requeued: [...r.requeued], skipped: [...r.skipped], sendFailed: [...r.sendFailed] };
    },
  );

  app.post(
    "/admin/v1/errors/resolve",
    {
      config: route,
      schema: {
        summary: "Mark failed bills resolved (no further delivery wanted), with who and why; drops their DLQ copies",
        tags,
        hide: true,
        body: Type.Object(ChangeBody, { additionalProperties: false }),
        response: {
          200: Type.Object({
            actionId: NInt,
            resolved: Type.Array(Str),
            skipped: Skipped,
            removedFromDlq: Type.Integer(),
          }),
          ...errors,
        },
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

  app.get(
    "/admin/v1/dlq",
    {
      config: route,
      schema: {
        summary: "Messages in the dead-letter queue (left in place)",
        tags,
        hide: true,
        querystring: Type.Object({ max: Type.Optional(Count) }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                messageId: Str,
                transactionId: NStr,
                netsuiteBillId: NStr,
                receiveCount: Type.Integer(),
                sentAt: NStr,
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const entries = await peekDlq(app.aws.sqs, app.config.DLQ_URL, Math.min(Number(req.query.max ?? 100), 500));
      return { items: entries.map((e) => ({ ...e, sentAt: iso(e.sentAt) })) };
    },
  );

  app.get(
    "/admin/v1/operator-actions",
    {
      config: route,
      schema: {
        summary: "The audit of operator actions, newest first",
        tags,
        hide: true,
        querystring: Type.Object({
          transactionId: Type.Optional(Uuid),
          limit: Type.Optional(Count),
        }),
        response: { 200: Type.Object({ items: Type.Array(Action) }), ...errors },
      },
    },
    async (req) => ({
      items: (
        await listOperatorActions(app.db, {
          transactionId: req.query.transactionId,
          limit: req.query.limit ? Number(req.query.limit) : undefined,
        })
      ).map(toAction),
    }),
  );
};

function toAction(a: Awaited<ReturnType<typeof listOperatorActions>>[number]) {
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

declare module "fastify" {
  interface FastifyRequest {
    /** Name of the admin key that authenticated an /admin/v1 request. */
    adminKeyName?: string;
  }
}

export default admin;
