/**
 * The refresh token at rest: zoho_tokens.refresh_token_enc, encrypted with pgcrypto's
 * pgp_sym_encrypt (AES-256) under TOKEN_ENCRYPTION_KEY, which is never stored and never sent in a
 * statement or a bind parameter (slow-query logs print both in full): the worker's pool carries it
 * as a session setting in the connection's startup packet (lib/db.ts TOKEN_KEY_SETTING), which no
 * log shows. The seed's refresh token travels AES-encrypted under the same key, so its bind
 * parameters are ciphertext. ZOHO_REFRESH_TOKEN only seeds the row; afterwards the row is the
 * source of truth. Access tokens are not stored here: they live in Redis until they expire.
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { sql, TOKEN_KEY_SETTING } from "../../../lib/db.ts";

const noRows = sql.type(z.object({}));

/** The session's key (hex in the setting, so any character survives the startup options). */
const sessionKey = sql.fragment`convert_from(decode(current_setting(${sql.literalValue(TOKEN_KEY_SETTING)}), 'hex'), 'UTF8')`;

/** AES-256-CBC under SHA-256(key): what pgcrypto's decrypt_iv(..., 'aes-cbc/pad:pkcs') reverses. */
function sealForTransport(text: string, key: string): { ciphertext: Buffer; iv: Buffer } {
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", createHash("sha256").update(key, "utf8").digest(), iv);
  return { ciphertext: Buffer.concat([cipher.update(text, "utf8"), cipher.final()]), iv };
}

/**
 * Inserts the encrypted refresh token when the organization has none yet. Returns true if it did.
 * `key` must be the key the pool's sessions carry (lib/db.ts); it only seals the token for the trip.
 */
export async function seedRefreshToken(
  db: CommonQueryMethods,
  organizationId: string,
  refreshToken: string,
  key: string,
): Promise<boolean> {
  const { ciphertext, iv } = sealForTransport(refreshToken, key);
  const plain = sql.fragment`convert_from(decrypt_iv(${sql.binary(ciphertext)}, digest(${sessionKey}, 'sha256'), ${sql.binary(iv)}, 'aes-cbc/pad:pkcs'), 'UTF8')`;
  const r = await db.query(noRows`
    INSERT INTO zoho_tokens (organization_id, refresh_token_enc)
    VALUES (${organizationId}, pgp_sym_encrypt(${plain}, ${sessionKey}, 'cipher-algo=aes256'))
    ON CONFLICT (organization_id) DO NOTHING`);
  return r.rowCount === 1;
}

/** The decrypted refresh token; the pool's sessions must carry the key (lib/db.ts). */
export function loadRefreshToken(db: CommonQueryMethods, organizationId: string) {
  return db.maybeOneFirst(sql.type(z.object({ refresh_token: z.string() }))`
    SELECT pgp_sym_decrypt(refresh_token_enc, ${sessionKey}) AS refresh_token
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
