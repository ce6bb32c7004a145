/**
 * Switchable faults: 429 storms, 5xx bursts, slow answers, dropped connections, token revocation
 * and limit overrides. Set at construction (options.faults) or at run time (POST /__sim/faults);
 * both take the same JSON, validated here so a typo is a 400, not a silently ignored fault.
 */
import { z } from "zod";
import type { SimLimits } from "./options.ts";

/** Where a fault applies: Books API calls (default), the accounts token endpoint, or both. */
const Target = z.enum(["books", "oauth", "all"]);

const base = {
  /** Chance that a matching request is hit, 0..1. @default 1 */
  probability: z.number().min(0).max(1).default(1),
  /** The fault switches itself off after this many ms. */
  durationMs: z.number().int().positive().optional(),
  /** The fault switches itself off after hitting this many requests. */
  count: z.number().int().positive().optional(),
  target: Target.default("books"),
  /** Only requests with this HTTP method. */
  method: z.string().toUpperCase().optional(),
  /** Only requests whose path (without query) contains this string. */
  path: z.string().optional(),
};

const Rate429 = z
  .object({ ...base, code: z.union([z.literal(44), z.literal(45), z.literal(1070)]).default(44) })
  .strict();
const Error5xx = z.object({ ...base, status: z.number().int().min(500).max(599).default(500) }).strict();
const Slow = z.object({ ...base, delayMs: z.number().int().min(0).max(600_000) }).strict();
/** "before": the socket is destroyed before anything happens; "after": the handler runs (a create commits), then the socket is destroyed instead of answering. */
const Drop = z.object({ ...base, when: z.enum(["before", "after"]).default("before") }).strict();

const Limits = z
  .object({
    perWindow: z.number().int().positive(),
    windowMs: z.number().int().positive(),
    windowMode: z.enum(["sliding", "fixed"]),
    dailyQuota: z.number().int().positive(),
    dayMs: z.number().int().positive(),
    maxConcurrent: z.number().int().positive(),
    tokenTtlSeconds: z.number().positive(),
    mintLimit: z.number().int().positive(),
    mintWindowMs: z.number().int().positive(),
    maxLiveTokens: z.number().int().positive(),
    maxAttachmentBytes: z.number().int().positive(),
    maxAttachmentsPerBill: z.number().int().positive(),
  })
  .partial()
  .strict();

export const FaultsBody = z
  .object({
    /** Switch every fault off first (limits and revocations are not undone). */
    clear: z.boolean().optional(),
    rate429: Rate429.nullable().optional(),
    error5xx: Error5xx.nullable().optional(),
    slow: Slow.nullable().optional(),
    drop: Drop.nullable().optional(),
    /** Invalidate every access token now (they answer 401 afterwards). */
    revokeAccessTokens: z.boolean().optional(),
    /** Revoke all refresh tokens (true) or the listed ones; their access tokens die too. */
    revokeRefreshTokens: z.union([z.boolean(), z.array(z.string())]).optional(),
    /** Un-revoke every refresh token. */
    restoreRefreshTokens: z.boolean().optional(),
    /** Limit overrides, merged into the current limits. */
    limits: Limits.optional(),
  })
  .strict();
export type FaultsBody = z.infer<typeof FaultsBody>;

/**
 * Kinds of active fault. A `drop` body lands in the slot its `when` names, so a drop-before storm
 * and an armed drop-after live side by side (one slot let the storm replace the armed fault).
 */
export type FaultKind = "rate429" | "error5xx" | "slow" | "dropBefore" | "dropAfter";
const KINDS: readonly FaultKind[] = ["rate429", "error5xx", "slow", "dropBefore", "dropAfter"];

interface ActiveBase {
  probability: number;
  until: number | null;
  remaining: number | null;
  target: "books" | "oauth" | "all";
  method: string | undefined;
  path: string | undefined;
  hits: number;
}
export type ActiveRate429 = ActiveBase & { code: 44 | 45 | 1070 };
export type ActiveError5xx = ActiveBase & { status: number };
export type ActiveSlow = ActiveBase & { delayMs: number };
export type ActiveDrop = ActiveBase & { when: "before" | "after" };

interface ActiveFaults {
  rate429: ActiveRate429 | null;
  error5xx: ActiveError5xx | null;
  slow: ActiveSlow | null;
  dropBefore: ActiveDrop | null;
  dropAfter: ActiveDrop | null;
}

const NONE: ActiveFaults = { rate429: null, error5xx: null, slow: null, dropBefore: null, dropAfter: null };

export interface RequestScope {
  target: "books" | "oauth";
  method: string;
  path: string;
}

type Activatable = z.infer<typeof Rate429> | z.infer<typeof Error5xx> | z.infer<typeof Slow> | z.infer<typeof Drop>;

function activate<T extends Activatable>(spec: T, now: number): Omit<T, "durationMs" | "count"> & ActiveBase {
  const { durationMs, count, ...rest } = spec;
  return {
    ...rest,
    method: spec.method,
    path: spec.path,
    until: durationMs === undefined ? null : now + durationMs,
    remaining: count ?? null,
    hits: 0,
  };
}

export class Faults {
  private active: ActiveFaults = { ...NONE };
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  /**
   * Applies the fault part of a body (rate429, error5xx, slow, drop, clear); the caller handles the
   * rest. `drop` fills the slot of its `when`; `drop: null` clears both.
   */
  apply(body: FaultsBody, now: number): void {
    if (body.clear) this.clear();
    if (body.rate429 !== undefined) this.active.rate429 = body.rate429 && activate(body.rate429, now);
    if (body.error5xx !== undefined) this.active.error5xx = body.error5xx && activate(body.error5xx, now);
    if (body.slow !== undefined) this.active.slow = body.slow && activate(body.slow, now);
    if (body.drop === null) this.active = { ...this.active, dropBefore: null, dropAfter: null };
    else if (body.drop?.when === "after") this.active.dropAfter = activate(body.drop, now);
    else if (body.drop) this.active.dropBefore = activate(body.drop, now);
  }

  clear(): void {
    this.active = { ...NONE };
  }

  /** The fault of this kind that hits this request, if any (counts the hit). */
  pick(kind: "rate429", scope: RequestScope, now: number): ActiveRate429 | null;
  pick(kind: "error5xx", scope: RequestScope, now: number): ActiveError5xx | null;
  pick(kind: "slow", scope: RequestScope, now: number): ActiveSlow | null;
  pick(kind: "dropBefore" | "dropAfter", scope: RequestScope, now: number): ActiveDrop | null;
  pick(kind: FaultKind, scope: RequestScope, now: number): ActiveBase | null {
    const fault = this.active[kind];
    if (!fault) return null;
    if ((fault.until !== null && fault.until <= now) || fault.remaining === 0) {
      this.active[kind] = null;
      return null;
    }
    if (fault.target !== "all" && fault.target !== scope.target) return null;
    if (fault.method && fault.method !== scope.method) return null;
    if (fault.path && !scope.path.includes(fault.path)) return null;
    if (fault.probability < 1 && this.random() >= fault.probability) return null;
    fault.hits++;
    if (fault.remaining !== null) fault.remaining--;
    return fault;
  }

  /** Current faults for GET /__sim/faults (expired ones shown as null). */
  describe(now: number): Record<FaultKind, ActiveBase | null> {
    const out = {} as Record<FaultKind, ActiveBase | null>;
    for (const kind of KINDS) {
      const f = this.active[kind];
      out[kind] = f && (f.until === null || f.until > now) && f.remaining !== 0 ? { ...f } : null;
    }
    return out;
  }
}

export function mergeLimits(current: SimLimits, overrides: Partial<SimLimits> | undefined): SimLimits {
  return overrides ? { ...current, ...overrides } : current;
}
