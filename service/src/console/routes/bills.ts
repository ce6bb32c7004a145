/** GET /console/bills?list=&window=: the bills of one status (or the backlog), the Overview's links. */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { BILL_LISTS, listBills, summarize } from "../queries/bills.ts";

const WINDOWS = { "24h": 24, "7d": 168, all: null } as const;

const BillsQuery = Type.Object({
  list: Type.Optional(Type.Union(BILL_LISTS.map((l) => Type.Literal(l)))),
  window: Type.Optional(Type.Union([Type.Literal("24h"), Type.Literal("7d"), Type.Literal("all")])),
});

const billsPage: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/bills", { schema: { querystring: BillsQuery } }, async (req, reply) => {
    const list = req.query.list ?? "backlog";
    const window = req.query.window ?? "7d";
    const rows = await listBills(app.adminDb, list, WINDOWS[window]);
    const items = rows.map((r) => ({ ...r, ...summarize(r.bill) }));
    return reply.page("bills", "Bills", { list, window, lists: BILL_LISTS, items });
  });
};
export default billsPage;
