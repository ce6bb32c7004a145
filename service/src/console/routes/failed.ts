/**
 * GET /console/failed: failed bills (Celigo's Errors page as the model), filtered by vendor, date and
 * reason, in the clerk's columns. Rows come from lib/operations/failed-bills.ts, the admin API's
 * query; vendor and reason are read from each bill and filtered here, over the newest SCAN_LIMIT
 * failed bills of the date range (the page says when that cap was reached).
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { type FailedBill, listFailedBills } from "../../../../lib/operations/failed-bills.ts";
import { plainReason, REASON_KINDS } from "../plain-reason.ts";
import { summariesFor } from "../queries/bills.ts";

const SCAN_LIMIT = 1000;
/** A bulk retry takes at most this many (lib/operations/retry.ts refuses more). */
export const SHOWN_LIMIT = 500;
const DAY_MS = 86_400_000;

const Day = Type.String({ pattern: "^(\\d{4}-\\d{2}-\\d{2})?$" });
export const FailedQuery = Type.Object({
  vendor: Type.Optional(Type.String({ maxLength: 200 })),
  reason: Type.Optional(Type.Union([Type.Literal(""), ...REASON_KINDS.map((k) => Type.Literal(k.kind))])),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  state: Type.Optional(Type.Union([Type.Literal("open"), Type.Literal("resolved"), Type.Literal("all")])),
});

function reasonOf(r: FailedBill) {
  return plainReason({
    error: r.error_message,
    zohoStatus: r.zoho_status_code,
    zohoCode: r.zoho_code,
    zohoMessage: r.zoho_message,
  });
}

const failedPage: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/failed", { schema: { querystring: FailedQuery } }, async (req, reply) => {
    const f = req.query;
    const rows = await listFailedBills(app.adminDb, {
      state: f.state ?? "open",
      from: f.from ? new Date(`${f.from}T00:00:00Z`) : undefined,
      to: f.to ? new Date(new Date(`${f.to}T00:00:00Z`).getTime() + DAY_MS) : undefined,
      limit: SCAN_LIMIT,
    });
    const summaries = await summariesFor(
      app.adminDb,
      rows.map((r) => r.id),
    );
    const vendor = f.vendor?.trim().toLowerCase();
    const items = rows
      .map((r) => ({ row: r, bill: summaries.get(r.id), reason: reasonOf(r) }))
      .filter((i) => !vendor || (i.bill?.vendor ?? "").toLowerCase().includes(vendor))
      .filter((i) => !f.reason || i.reason.kind === f.reason);
    return reply.page("failed", "Failed bills", {
      filter: {
        vendor: f.vendor ?? "",
        reason: f.reason ?? "",
        from: f.from ?? "",
        to: f.to ?? "",
        state: f.state ?? "open",
      },
      query: new URLSearchParams(req.query as Record<string, string>).toString(),
      reasons: REASON_KINDS,
      items: items.slice(0, SHOWN_LIMIT),
      total: items.length,
      capped: rows.length === SCAN_LIMIT,
    });
  });
};
export default failedPage;
