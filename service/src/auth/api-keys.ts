/**
 * API keys. Only SHA-256 hashes of keys are configured (API_KEYS or a Secrets Manager secret), so
 * neither the config nor a memory dump reveals a usable key. A presented key is hashed and compared
 * with every configured hash in constant time, without stopping at a match, so response timing says
 * nothing about which or how many keys exist. Several keys at once make rotation seamless.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** HMAC keys shorter than SHA-256's block output are guessable offline from one signed request. */
export const MIN_HMAC_KEY_BYTES = 32;
const decodeSecret = (s: string) => Buffer.from(s.slice("whsec_".length), "base64");

const KeyEntry = z.object({
  /** Appears in logs and on the transaction row (api_key_name); never the key itself. */
  name: z.string().regex(KEY_NAME, "1-64 of A-Z a-z 0-9 . _ -"),
  /**
   * Keys of one group see each other's transactions (api_key_group on the row), so a rotation
   * (a new key in the same group) keeps the old bills readable. Default: the key's own name.
   */
  group: z.string().regex(KEY_NAME, "1-64 of A-Z a-z 0-9 . _ -").optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "lower-case hex SHA-256 of the key"),
  /**
   * Standard Webhooks secrets ("whsec_" + base64). When present, requests with this key must be
   * signed; two secrets are accepted at once while the client rotates.
   */
  hmacSecrets: z
    .array(
      z
        .string()
        .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'expected "whsec_" followed by base64')
        .refine((s) => decodeSecret(s).length >= MIN_HMAC_KEY_BYTES, `shorter than ${MIN_HMAC_KEY_BYTES} bytes`),
    )
    .max(2)
    .default([]),
});
const KeyList = z.array(KeyEntry);

export interface ApiKey {
  readonly name: string;
  /** Whose transactions this key may read (service/src/auth/transaction-access.ts). */
  readonly group: string;
  readonly hash: Buffer;
  /** Decoded HMAC keys; empty when the key does not require signed requests. */
  readonly hmacKeys: readonly Buffer[];
}

export class ApiKeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApiKeyConfigError";
  }
}

/** Parses the keys JSON; the error names the problem but never echoes a value. */
export function parseApiKeys(json: string): ApiKey[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ApiKeyConfigError("API keys: not valid JSON");
  }
  const parsed = KeyList.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ApiKeyConfigError(`API keys: ${where}`);
  }
  const names = new Set<string>();
  return parsed.data.map((k) => {
    if (names.has(k.name)) throw new ApiKeyConfigError(`API keys: duplicate name ${k.name}`);
    names.add(k.name);
    return {
      name: k.name,
      group: k.group ?? k.name,
      hash: Buffer.from(k.sha256, "hex"),
      hmacKeys: k.hmacSecrets.map(decodeSecret),
    };
  });
}

export const hashApiKey = (key: string) => createHash("sha256").update(key, "utf8").digest();

/** The live key set; replace() swaps it atomically when the secret is re-read. */
export class ApiKeyStore {
  #keys: readonly ApiKey[];
  constructor(keys: readonly ApiKey[]) {
    this.#keys = keys;
  }
  get size(): number {
    return this.#keys.length;
  }
  replace(keys: readonly ApiKey[]): void {
    this.#keys = keys;
  }
  /** The configured key with this SHA-256, if it still is: a console session re-checks its key per request. */
  byHash(hash: Buffer): ApiKey | undefined {
    return this.#keys.find((k) => k.hash.equals(hash));
  }
  /** Constant time in the number of configured keys: every hash is compared. */
  find(presented: string | undefined): ApiKey | undefined {
    if (!presented || presented.length > 512) return undefined;
    const hash = hashApiKey(presented);
    let found: ApiKey | undefined;
    for (const key of this.#keys) {
      if (timingSafeEqual(hash, key.hash) && !found) found = key;
    }
    return found;
  }
}
