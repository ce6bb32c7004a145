/**
 * The database roles (migrations/1766000000000_create-database-roles.ts): one owner that runs the
 * migrations and owns every object, and one login role per process with only the grants it uses.
 * Roles are cluster-wide (every database of the cluster shares them); grants are per database.
 *
 * Passwords reach PostgreSQL only as SCRAM-SHA-256 verifiers computed here (RFC 5803 format), so
 * neither the plain password nor anything that logs statements ever sees it.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** Role names by process; DATABASE_URL of each process names its own (docs/security.md). */
export const DB_ROLES = {
  /** Owns tables, functions and triggers; runs `npm run migrate`. */
  owner: "bill_mw_owner",
  /** The ingest service (internet-facing): transactions only. */
  ingest: "bill_mw_ingest",
  /** The delivery worker and the burst Lambda: transactions, the audit log, zoho_tokens. */
  delivery: "bill_mw_delivery",
  /** On-call commands and the admin API: transactions, the audit log, operator actions; no tokens. */
  oncall: "bill_mw_oncall",
} as const;
export type DbRole = keyof typeof DB_ROLES;

const ITERATIONS = 4096;

/** The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (accepted as-is by CREATE/ALTER ROLE). */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, ITERATIONS, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** A password nobody knows: the role exists and can be granted to, but no one logs in until it is set. */
export const unknownPassword = () => randomBytes(32).toString("base64url");
