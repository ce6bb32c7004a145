/**
 * Zoho Accounts state: clients, refresh tokens, single-use grant codes, and the access tokens
 * minted from them, with Zoho's per-refresh-token limits (mints per window, live tokens).
 * @see https://www.zoho.com/accounts/protocol/oauth/token-limits.html
 */
import { randomBytes } from "node:crypto";
import type { ResolvedOptions, SimLimits } from "./options.ts";

interface AccessToken {
  token: string;
  refreshToken: string;
  expiresAt: number;
}

interface RefreshTokenState {
  token: string;
  clientId: string;
  revoked: boolean;
  /** Successful mint times within the mint window (oldest first). */
  mints: number[];
  /** Live access tokens, oldest first. */
  live: string[];
}

interface GrantCodeState {
  clientId: string;
  expiresAt: number;
  used: boolean;
}

export type MintResult =
  | { ok: true; accessToken: string; expiresIn: number; refreshToken?: string }
  | { ok: false; error: "invalid_client" | "invalid_code" | "access_denied" | "unsupported_grant_type" };

export type TokenCheck = "ok" | "missing" | "unknown" | "expired";

export interface TokenCounters {
  mints: number;
  mintsByRefreshToken: Record<string, number>;
  mintDenied: number;
  invalidClient: number;
  invalidCode: number;
  evicted: number;
  expiredRejected: number;
  revokedAccessTokens: number;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

export class TokenStore {
  private readonly clients = new Map<string, string>();
  private readonly refresh = new Map<string, RefreshTokenState>();
  private readonly codes = new Map<string, GrantCodeState>();
  private readonly access = new Map<string, AccessToken>();
  counters: TokenCounters = TokenStore.zero();

  constructor(options: ResolvedOptions, now: number) {
    for (const c of options.clients) this.clients.set(c.clientId, c.clientSecret);
    for (const r of options.refreshTokens) this.addRefreshToken(r.token, r.clientId);
    for (const g of options.grantCodes) this.addGrantCode(g.code, g.clientId, now + options.grantCodeTtlMs);
  }

  private static zero(): TokenCounters {
    return {
      mints: 0,
      mintsByRefreshToken: {},
      mintDenied: 0,
      invalidClient: 0,
      invalidCode: 0,
      evicted: 0,
      expiredRejected: 0,
      revokedAccessTokens: 0,
    };
  }

  addRefreshToken(token: string, clientId: string): void {
    this.refresh.set(token, { token, clientId, revoked: false, mints: [], live: [] });
  }

  addGrantCode(code: string, clientId: string, expiresAt: number): void {
    this.codes.set(code, { clientId, expiresAt, used: false });
  }

  hasClient(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  /** Both grants start here: a wrong client id or secret is Zoho's `invalid_client` (answered with HTTP 200). */
  private rejectClient(clientId: string | undefined, clientSecret: string | undefined): MintResult | null {
    if (this.clientOk(clientId, clientSecret)) return null;
    this.counters.invalidClient++;
    return { ok: false, error: "invalid_client" };
  }

  /** grant_type=refresh_token. Error names are Zoho's `error` values except access_denied (the mint limit). */
  refreshGrant(
    p: { clientId?: string; clientSecret?: string; refreshToken?: string },
    limits: SimLimits,
    now: number,
  ): MintResult {
    const rejected = this.rejectClient(p.clientId, p.clientSecret);
    if (rejected) return rejected;
    const state = p.refreshToken ? this.refresh.get(p.refreshToken) : undefined;
    if (!state || state.revoked || state.clientId !== p.clientId) {
      this.counters.invalidCode++;
      return { ok: false, error: "invalid_code" };
    }
    const floor = now - limits.mintWindowMs;
    while (state.mints.length > 0 && state.mints[0]! <= floor) state.mints.shift();
    if (state.mints.length >= limits.mintLimit) {
      this.counters.mintDenied++;
      return { ok: false, error: "access_denied" };
    }
    state.mints.push(now);
    return { ok: true, ...this.mint(state, limits, now) };
  }

  /** grant_type=authorization_code: a single-use code becomes a new refresh token plus an access token. */
  codeGrant(
    p: { clientId?: string; clientSecret?: string; code?: string },
    limits: SimLimits,
    now: number,
  ): MintResult {
    const rejected = this.rejectClient(p.clientId, p.clientSecret);
    if (rejected) return rejected;
    const code = p.code ? this.codes.get(p.code) : undefined;
    if (!code || code.used || code.expiresAt <= now || code.clientId !== p.clientId) {
      this.counters.invalidCode++;
      return { ok: false, error: "invalid_code" };
    }
    code.used = true;
    const refreshToken = `1000.${hex(16)}.${hex(16)}`;
    this.addRefreshToken(refreshToken, code.clientId);
    const state = this.refresh.get(refreshToken)!;
    state.mints.push(now);
    return { ok: true, refreshToken, ...this.mint(state, limits, now) };
  }

  check(token: string | undefined, now: number): TokenCheck {
    if (!token) return "missing";
    const found = this.access.get(token);
    if (!found) return "unknown";
    if (found.expiresAt <= now) {
      this.counters.expiredRejected++;
      return "expired";
    }
    return "ok";
  }

  /** Invalidates every access token (all clients); refresh tokens keep working. */
  revokeAccessTokens(): number {
    const n = this.access.size;
    this.access.clear();
    for (const state of this.refresh.values()) state.live = [];
    this.counters.revokedAccessTokens += n;
    return n;
  }

  /** Revokes refresh tokens (all when none named) and the access tokens minted from them. */
  revokeRefreshTokens(tokens?: readonly string[]): number {
    let n = 0;
    for (const state of this.refresh.values()) {
      if (tokens && !tokens.includes(state.token)) continue;
      if (!state.revoked) n++;
      state.revoked = true;
      for (const t of state.live) this.access.delete(t);
      this.counters.revokedAccessTokens += state.live.length;
      state.live = [];
    }
    return n;
  }

  restoreRefreshTokens(): void {
    for (const state of this.refresh.values()) state.revoked = false;
  }

  liveAccessTokens(now: number): number {
    let n = 0;
    for (const t of this.access.values()) if (t.expiresAt > now) n++;
    return n;
  }

  resetCounters(): void {
    this.counters = TokenStore.zero();
  }

  private clientOk(clientId: string | undefined, secret: string | undefined): boolean {
    return clientId !== undefined && this.clients.get(clientId) === secret;
  }

  private mint(state: RefreshTokenState, limits: SimLimits, now: number): { accessToken: string; expiresIn: number } {
    const accessToken = `1000.${hex(16)}.${hex(16)}`;
    const ttlMs = limits.tokenTtlSeconds * 1000;
    this.access.set(accessToken, { token: accessToken, refreshToken: state.token, expiresAt: now + ttlMs });
    state.live.push(accessToken);
    while (state.live.length > limits.maxLiveTokens) {
      const oldest = state.live.shift()!;
      this.access.delete(oldest);
      this.counters.evicted++;
    }
    this.counters.mints++;
    this.counters.mintsByRefreshToken[state.token] = (this.counters.mintsByRefreshToken[state.token] ?? 0) + 1;
    return { accessToken, expiresIn: Math.max(1, Math.round(limits.tokenTtlSeconds)) };
  }
}
