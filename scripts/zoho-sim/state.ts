/**
 * Everything the simulator remembers: limits (adjustable at run time), organizations with their
 * limiter and bills, OAuth tokens, faults and counters. One instance per simulator; routes reach
 * it through the `sim` decorator.
 */
import { BillStore } from "./bills-store.ts";
import { Faults, FaultsBody, mergeLimits } from "./faults.ts";
import { OrgLimiter, type WindowBucket } from "./limiter.ts";
import { type ResolvedOptions, type SimLimits, validateLimits } from "./options.ts";
import { type TokenCounters, TokenStore } from "./tokens.ts";

export interface Organization {
  organizationId: string;
  name: string;
  limiter: OrgLimiter;
  store: BillStore;
}

export interface Counters {
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** 429s from the limits (not injected): by Zoho code. */
  rejected429: Record<"44" | "45" | "1070", number>;
  injected: { rate429: number; error5xx: number; slow: number; dropBefore: number; dropAfter: number };
  unauthorized: number;
}

export interface OrgStats {
  accepted: number;
  inWindowNow: number;
  maxInAnyWindow: number;
  dailyUsed: number;
  inFlight: number;
  peakInFlight: number;
  bills: number;
  windows: WindowBucket[];
}

export interface AttachmentStats {
  document_id: string;
  file_name: string;
  file_size: number;
  sha256: string;
  uploaded_at: string;
}

/** GET /__sim/stats. */
export interface SimStats extends Counters {
  startedAt: string;
  uptimeMs: number;
  limits: SimLimits;
  tokens: TokenCounters & { liveAccessTokens: number };
  concurrency: { current: number; peak: number };
  bills: number;
  /** bill_id → its documents, with the SHA-256 of the stored bytes. */
  attachments: Record<string, AttachmentStats[]>;
  organizations: Record<string, OrgStats>;
  faults: ReturnType<Faults["describe"]>;
}

const zeroCounters = (): Counters => ({
  requests: 0,
  byRoute: {},
  byStatus: {},
  rejected429: { "44": 0, "45": 0, "1070": 0 },
  injected: { rate429: 0, error5xx: 0, slow: 0, dropBefore: 0, dropAfter: 0 },
  unauthorized: 0,
});

export class SimState {
  readonly options: ResolvedOptions;
  limits: SimLimits;
  organizations = new Map<string, Organization>();
  tokens: TokenStore;
  readonly faults = new Faults();
  counters: Counters = zeroCounters();
  startedAt: number;
  /** Set once the server listens; the default api_domain in token answers. */
  baseUrl = "";

  constructor(options: ResolvedOptions, now = Date.now()) {
    this.options = options;
    this.limits = { ...options.limits };
    this.startedAt = now;
    this.tokens = new TokenStore(options, now);
    this.organizations = this.freshOrganizations();
    this.applyFaults(FaultsBody.parse(options.faults), now);
  }

  /** Back to the state at construction: bills, counters, faults, limits; tokens too unless kept. */
  reset(opts: { keepTokens?: boolean } = {}, now = Date.now()): void {
    this.limits = { ...this.options.limits };
    this.organizations = this.freshOrganizations();
    this.faults.clear();
    this.counters = zeroCounters();
    this.startedAt = now;
    if (opts.keepTokens) this.tokens.resetCounters();
    else this.tokens = new TokenStore(this.options, now);
    this.applyFaults(FaultsBody.parse(this.options.faults), now);
  }

  applyFaults(body: FaultsBody, now = Date.now()): { revokedAccessTokens?: number; revokedRefreshTokens?: number } {
    const result: { revokedAccessTokens?: number; revokedRefreshTokens?: number } = {};
    if (body.limits) this.limits = validateLimits(mergeLimits(this.limits, body.limits));
    this.faults.apply(body, now);
    if (body.restoreRefreshTokens) this.tokens.restoreRefreshTokens();
    if (body.revokeRefreshTokens) {
      const names = Array.isArray(body.revokeRefreshTokens) ? body.revokeRefreshTokens : undefined;
      result.revokedRefreshTokens = this.tokens.revokeRefreshTokens(names);
    }
    if (body.revokeAccessTokens) result.revokedAccessTokens = this.tokens.revokeAccessTokens();
    return result;
  }

  count(route: string, status: number): void {
    this.counters.requests++;
    this.counters.byRoute[route] = (this.counters.byRoute[route] ?? 0) + 1;
    const s = String(status);
    this.counters.byStatus[s] = (this.counters.byStatus[s] ?? 0) + 1;
  }

  stats(now = Date.now()): SimStats {
    const organizations: Record<string, OrgStats> = {};
    const attachments: Record<string, AttachmentStats[]> = {};
    let bills = 0;
    for (const org of this.organizations.values()) {
      const l = org.limiter;
      organizations[org.organizationId] = {
        accepted: l.accepted,
        inWindowNow: l.inWindow(this.limits, now),
        maxInAnyWindow: l.maxInAnyWindow,
        dailyUsed: l.dayStart === Math.floor(now / this.limits.dayMs) * this.limits.dayMs ? l.dayCount : 0,
        inFlight: l.inFlight,
        peakInFlight: l.peakInFlight,
        bills: org.store.bills.size,
        windows: l.history(),
      };
      bills += org.store.bills.size;
      for (const bill of org.store.bills.values()) {
        if (bill.documents.length === 0) continue;
        attachments[bill.bill_id] = bill.documents.map((d) => ({
          document_id: d.document_id,
          file_name: d.file_name,
          file_size: d.file_size,
          sha256: d.sha256,
          uploaded_at: d.uploaded_at,
        }));
      }
    }
    return {
      startedAt: new Date(this.startedAt).toISOString(),
      uptimeMs: now - this.startedAt,
      limits: this.limits,
      ...this.counters,
      tokens: { ...this.tokens.counters, liveAccessTokens: this.tokens.liveAccessTokens(now) },
      concurrency: {
        current: sum(this.organizations, (o) => o.limiter.inFlight),
        peak: Math.max(0, ...[...this.organizations.values()].map((o) => o.limiter.peakInFlight)),
      },
      bills,
      attachments,
      organizations,
      faults: this.faults.describe(now),
    };
  }

  private freshOrganizations(): Map<string, Organization> {
    const map = new Map<string, Organization>();
    this.options.organizations.forEach((o, i) => {
      map.set(o.organizationId, {
        organizationId: o.organizationId,
        name: o.name,
        limiter: new OrgLimiter(o.organizationId),
        store: new BillStore(this.options.vendors, i + 1),
      });
    });
    return map;
  }
}

function sum(orgs: Map<string, Organization>, f: (o: Organization) => number): number {
  let n = 0;
  for (const o of orgs.values()) n += f(o);
  return n;
}
