/** Per fault kind, the evidence that an applied fault took effect (the summary's "fired"). */
import type { FaultKind } from "./options.ts";

export interface SimStats {
  injected: Record<string, number>;
  unauthorized: number;
  byStatus: Record<string, number>;
  tokens: Record<string, unknown> & { revokedAccessTokens?: number; mints?: number };
}

export interface ProcessCounters {
  readonly kills: number;
  readonly redisRestarts: number;
  readonly pgRestarts: number;
  readonly redisHangs: number;
  readonly pgHangs: number;
  /** Rotations, counted only if the app logged in again afterwards (sessions newer than the last one). */
  readonly rotationsLoggedInAfter: number;
}

export function firedEvidence(kind: FaultKind, applied: number, stats: SimStats, c: ProcessCounters): number {
  switch (kind) {
    case "kill-worker":
      return c.kills;
    case "rate429":
      return stats.injected.rate429 ?? 0;
    case "error5xx":
      return stats.injected.error5xx ?? 0;
    case "slow":
      return stats.injected.slow ?? 0;
    case "drop-before":
      return stats.injected.dropBefore ?? 0;
    case "drop-after":
      return stats.injected.dropAfter ?? 0;
    case "revoke-token":
      // A revocation took effect when some call was refused with 401 afterwards (or tokens died).
      return applied > 0 ? Math.max(stats.unauthorized, Number(stats.tokens.revokedAccessTokens ?? 0)) : 0;
    case "restart-redis":
      return c.redisRestarts;
    case "restart-postgres":
      return c.pgRestarts;
    case "hang-redis":
      return c.redisHangs;
    case "hang-postgres":
      return c.pgHangs;
    case "rotate-db-password":
      return c.rotationsLoggedInAfter;
  }
}
