/**
 * The refresh-token grant on Zoho's accounts host. Zoho answers OAuth errors with HTTP 200 and an
 * `error` key ({"error":"invalid_code"} for a wrong or revoked refresh token), so the body decides,
 * not the status. The response carries no new refresh token.
 * @see https://www.zoho.com/books/api/v3/oauth/
 */
import { request } from "undici";
import { TokenRefreshError } from "./errors.ts";

export interface RefreshOptions {
  readonly accountsUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  readonly timeoutMs: number;
}

export interface RefreshResult {
  readonly accessToken: string;
  readonly expiresInS: number;
  readonly apiDomain: string | null;
}

export interface RefreshAttempt {
  readonly url: string;
  readonly statusCode: number | null;
  readonly durationMs: number;
  /** Sanitized response: everything but the token. */
  readonly response: Record<string, unknown>;
}

export async function refreshAccessToken(
  opts: RefreshOptions,
  onAttempt: (attempt: RefreshAttempt) => void,
): Promise<RefreshResult> {
  const url = new URL("/oauth/v2/token", opts.accountsUrl).toString();
  const started = performance.now();
  let statusCode: number | null = null;
  let body: Record<string, unknown> = {};
  try {
    const res = await request(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: opts.refreshToken,
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
      }).toString(),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    statusCode = res.statusCode;
    const text = await res.body.text();
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { unparsed: text.slice(0, 200) };
    }
  } catch (err) {
    onAttempt({ url, statusCode, durationMs: performance.now() - started, response: { error: String(err) } });
    throw new TokenRefreshError(`network: ${(err as Error).message}`, { cause: err });
  }
  const { access_token: accessToken, ...rest } = body;
  onAttempt({ url, statusCode, durationMs: performance.now() - started, response: rest });
  if (typeof body.error === "string" || typeof accessToken !== "string" || accessToken.length === 0) {
    const reason = typeof body.error === "string" ? body.error : `HTTP ${statusCode} without access_token`;
    throw new TokenRefreshError(reason);
  }
  const expiresIn = Number(body.expires_in ?? 3600);
  return {
    accessToken,
    expiresInS: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600,
    apiDomain: typeof body.api_domain === "string" ? body.api_domain : null,
  };
}
