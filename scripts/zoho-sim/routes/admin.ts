/**
 * Simulator controls for tests, load tests and chaos runs (not part of Zoho's API; no auth, no
 * limits): GET /__sim/health, GET /__sim/stats, GET /__sim/bills, POST /__sim/reset,
 * GET|POST /__sim/faults, POST /__sim/grant-codes.
 */
import { randomBytes } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import { billView } from "../bills-store.ts";
import { FaultsBody } from "../faults.ts";
import type { SimState } from "../state.ts";

export interface AdminOptions {
  sim: SimState;
}

export const adminRoutes: FastifyPluginAsync<AdminOptions> = async (app, { sim }) => {
  app.get("/__sim/health", async () => ({ ok: true }));

  app.get("/__sim/stats", async () => sim.stats());

  /** Every bill with its documents' SHA-256 (bytes never included). ?organization_id= narrows it. */
  app.get("/__sim/bills", async (request) => {
    const orgId = (request.query as Record<string, unknown>).organization_id;
    const bills: Record<string, unknown>[] = [];
    for (const org of sim.organizations.values()) {
      if (typeof orgId === "string" && org.organizationId !== orgId) continue;
      for (const bill of org.store.bills.values()) {
        bills.push({
          organization_id: org.organizationId,
          ...billView(bill),
          documents: bill.documents.map(({ bytes: _b, ...d }) => d),
        });
      }
    }
    return { count: bills.length, bills };
  });

  /** Body (optional): {"keepTokens": true} keeps minted access tokens and refresh-token state. */
  app.post("/__sim/reset", async (request) => {
    const body = (request.body ?? {}) as { keepTokens?: unknown };
    sim.reset({ keepTokens: body.keepTokens === true });
    return { ok: true };
  });

  app.get("/__sim/faults", async () => ({ faults: sim.faults.describe(Date.now()), limits: sim.limits }));

  app.post("/__sim/faults", async (request, reply) => {
    const parsed = FaultsBody.safeParse(request.body ?? {});
    if (!parsed.success) {
      return reply
        .code(400)
        .send({ ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) });
    }
    try {
      const result = sim.applyFaults(parsed.data);
      return { ok: true, ...result, faults: sim.faults.describe(Date.now()), limits: sim.limits };
    } catch (err) {
      return reply.code(400).send({ ok: false, error: [(err as Error).message] });
    }
  });

  /** Mints a fresh single-use grant code for grant_type=authorization_code. Body: {"clientId"?: "..."}. */
  app.post("/__sim/grant-codes", async (request, reply) => {
    const body = (request.body ?? {}) as { clientId?: unknown };
    const clientId = typeof body.clientId === "string" ? body.clientId : sim.options.clients[0]!.clientId;
    if (!sim.tokens.hasClient(clientId)) return reply.code(400).send({ ok: false, error: ["unknown clientId"] });
    const code = `1000.${randomBytes(16).toString("hex")}.${randomBytes(16).toString("hex")}`;
    sim.tokens.addGrantCode(code, clientId, Date.now() + sim.options.grantCodeTtlMs);
    return { ok: true, code, clientId, expiresInMs: sim.options.grantCodeTtlMs };
  });
};
