/**
 * The refresh token at rest: zoho_tokens.refresh_token_enc, encrypted with pgcrypto's
 * pgp_sym_encrypt (AES-256) under TOKEN_ENCRYPTION_KEY, which is sent as a bind parameter and never
 * stored. ZOHO_REFRESH_TOKEN only seeds the row; afterwards the row is the source of truth.
 * Access tokens are not stored here: they live in Redis until they expire.
 */
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";

const noRows = sql.type(z.object({}));

/** Inserts the encrypted refresh token when the organization has none yet. Returns true if it did. */
export async function seedRefreshToken(
  db: CommonQueryMethods,
  organizationId: string,
  refreshToken: string,
  key: string,
): Promise<boolean> {
  const r = await db.query(noRows`
    INSERT INTO zoho_tokens (organization_id, refresh_token_enc)
    VALUES (${organizationId}, pgp_sym_encrypt(${refreshToken}, ${key}, 'cipher-algo=aes256'))
    ON CONFLICT (organization_id) DO NOTHING`);
  return r.rowCount === 1;
}

export function loadRefreshToken(db: CommonQueryMethods, organizationId: string, key: string) {
  return db.maybeOneFirst(sql.type(z.object({ refresh_token: z.string() }))`
    SELECT pgp_sym_decrypt(refresh_token_enc, ${key}) AS refresh_token
    FROM zoho_tokens WHERE organization_id = ${organizationId}`);
}

export async function recordRefreshSuccess(
  db: CommonQueryMethods,
  organizationId: string,
  expiresAt: Date,
  apiDomain: string | null,
): Promise<void> {
  await db.query(noRows`
    UPDATE zoho_tokens
    SET refresh_count = refresh_count + 1, last_refreshed_at = now(), last_refresh_error = NULL,
        access_token_expires_at = ${expiresAt.toISOString()}, api_domain = COALESCE(${apiDomain}, api_domain)
    WHERE organization_id = ${organizationId}`);
}

export async function recordRefreshFailure(
  db: CommonQueryMethods,
  organizationId: string,
  reason: string,
): Promise<void> {
  await db.query(noRows`
    UPDATE zoho_tokens SET last_refresh_error = ${reason.slice(0, 500)} WHERE organization_id = ${organizationId}`);
}
