/**
 * Mappings under /admin/v1/mappings: list them, set one (PUT, create or replace), delete one. The
 * worker reads them before it builds a bill (consumer/src/delivery/zoho-ids.ts); a bill that failed
 * for an unmapped value is delivered by retrying it after the mapping is set. The logic is
 * lib/mappings/mappings.ts, shared with scripts/ops/mappings.ts; every change writes an operator action.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import {
  deleteMapping,
  listMappings,
  type Mapping,
  type MappingKind,
  upsertMapping,
} from "../../../../lib/mappings/mappings.ts";
import type { Operator } from "../../../../lib/operations/operator-actions.ts";
import { AdminErrors } from "../../schemas/admin.ts";
import {
  MappingDeleteQuery,
  MappingItem,
  MappingList,
  MappingParams,
  MappingPutBody,
  MappingsQuery,
  type MappingView,
} from "../../schemas/mappings.ts";

export function toMappingView(m: Mapping): MappingView {
  return {
    kind: m.kind,
    netsuiteKey: m.netsuite_key,
    zohoId: m.zoho_id,
    netsuiteName: m.netsuite_name,
    source: m.source,
    updatedBy: m.updated_by,
    createdAt: new Date(m.created_at).toISOString(),
    updatedAt: new Date(m.updated_at).toISOString(),
  };
}

/** The actor is the admin key's name (one key per person); the stated operator is context only. */
function operatorOf(req: FastifyRequest, stated: { operator: string; reason: string }): Operator {
  if (!req.adminKeyName) throw new Error("admin route reached without an admin key (routes/admin/autohooks.ts)");
  return {
    actor: req.adminKeyName,
    reason: stated.reason,
    channel: "admin-api",
    context: { adminKey: req.adminKeyName, statedOperator: stated.operator, requestId: req.id },
  };
}

const tags = ["admin"];

/** Route schemas (declarative): what each mapping route takes and answers. */
const listRoute = {
  schema: {
    summary: "Mappings (NetSuite -> Zoho ids), by kind then key",
    tags,
    hide: true,
    querystring: MappingsQuery,
    response: { 200: MappingList, ...AdminErrors },
  },
};

const putRoute = {
  schema: {
    summary: "Set one mapping (create or replace), with who and why",
    tags,
    hide: true,
    params: MappingParams,
    body: MappingPutBody,
    response: { 200: MappingItem, ...AdminErrors },
  },
};

const deleteRoute = {
  schema: {
    summary: "Delete one mapping, with who and why (bills that need it then fail naming it)",
    tags,
    hide: true,
    params: MappingParams,
    querystring: MappingDeleteQuery,
    response: { 200: MappingItem, ...AdminErrors },
  },
};

const mappings: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/admin/v1/mappings", listRoute, async (req) => {
    const rows = await listMappings(app.adminDb, {
      kind: req.query.kind as MappingKind | undefined,
      limit: req.query.limit ? Number(req.query.limit) : undefined,
    });
    return { items: rows.map(toMappingView) };
  });

  app.put("/admin/v1/mappings/:kind/:netsuiteKey", putRoute, async (req) => {
    const { kind, netsuiteKey } = req.params;
    const saved = await upsertMapping(
      app.adminDb,
      { kind, netsuiteKey, zohoId: req.body.zohoId, netsuiteName: req.body.netsuiteName },
      operatorOf(req, req.body),
    );
    return { item: toMappingView(saved) };
  });

  app.delete("/admin/v1/mappings/:kind/:netsuiteKey", deleteRoute, async (req) => {
    const gone = await deleteMapping(
      app.adminDb,
      req.params.kind as MappingKind,
      req.params.netsuiteKey,
      operatorOf(req, req.query),
    );
    return { item: toMappingView(gone) };
  });
};
export default mappings;
