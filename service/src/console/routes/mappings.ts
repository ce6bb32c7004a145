/**
 * GET /console/mappings: the mapping tables (NetSuite vendor, account, item, tax code or currency ->
 * Zoho id), and POST /console/mappings to add or replace one. Both are lib/mappings' functions, the
 * same the admin API and `bill-mw-ops mappings` use, with their validation; the change is recorded
 * as an operator action under the session's admin key name.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { listMappings, MAPPING_KINDS, upsertMapping } from "../../../../lib/mappings/mappings.ts";
import { OperationError } from "../../../../lib/operations/operation-error.ts";

const Kind = Type.Union(MAPPING_KINDS.map((k) => Type.Literal(k)));
const MappingsQuery = Type.Object({ kind: Type.Optional(Type.Union([Type.Literal(""), Kind])) });
const MappingForm = Type.Object({
  kind: Kind,
  netsuiteKey: Type.String({ maxLength: 200 }),
  zohoId: Type.String({ maxLength: 30 }),
  netsuiteName: Type.Optional(Type.String({ maxLength: 200 })),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});

const mappings: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/mappings", { schema: { querystring: MappingsQuery } }, async (req, reply) => {
    const kind = req.query.kind || undefined;
    const rows = await listMappings(app.adminDb, { kind, limit: 1000 });
    return reply.page("mappings", "Mappings", { rows, kind: kind ?? "", kinds: MAPPING_KINDS });
  });

  app.post("/mappings", { schema: { body: MappingForm } }, async (req, reply) => {
    const f = req.body;
    const name = req.session.operator ?? "unknown";
    try {
      const saved = await upsertMapping(
        app.adminDb,
        {
          kind: f.kind,
          netsuiteKey: f.netsuiteKey,
          zohoId: f.zohoId.trim(),
          netsuiteName: f.netsuiteName?.trim() || undefined,
        },
        {
          actor: name,
          reason: f.note?.trim() || `mapping set from the console`,
          channel: "admin-api",
          context: { via: "console", adminKey: name, requestId: req.id },
        },
      );
      req.session.flash = { kind: "ok", text: `Saved: ${saved.kind} ${saved.netsuite_key} → Zoho ${saved.zoho_id}.` };
    } catch (err) {
      if (!(err instanceof OperationError)) throw err;
      req.session.flash = { kind: "error", text: `Nothing was saved: ${err.message}` };
    }
    return reply.redirect(`/console/mappings?kind=${encodeURIComponent(f.kind)}`, 303);
  });
};
export default mappings;
