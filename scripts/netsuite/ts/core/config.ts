/**
 * Script parameters, read once per entry-point call. Parameter ids are unique across the account,
 * so each script has its own prefix (custscript_mw_mr_ for the Map/Reduce, custscript_mw_sl_ for
 * the Suitelet, custscript_mw_ss_ for the status script) and the same suffixes. The parameters hold secret IDs, never secret values: Oracle
 * warns that parameter values can end up indexed by search engines.
 */
import type { NModules } from "./types.ts";

export interface ClientConfig {
  /** Ingest service origin, e.g. https://bills.example.com (no trailing slash). */
  readonly baseUrl: string;
  /** Script id of the API Secret holding the x-api-key value. @default "custsecret_mw_api_key" */
  readonly apiKeySecretId: string;
  /** Script id of the API Secret holding the signing key (base64, without "whsec_"); null: unsigned. */
  readonly signingSecretId: string | null;
  /** Largest decoded PDF sent; larger files are skipped before any POST. @default 10485760 (10 MiB) */
  readonly maxFileBytes: number;
  /** POSTs per bill per run (first try included). @default 3 */
  readonly maxAttempts: number;
  /** First backoff delay, doubled after each retry. @default 1000 */
  readonly backoffMs: number;
  /** Longest single wait; a Retry-After above it leaves the bill for the next run. @default 8000 */
  readonly maxBackoffMs: number;
}

export const PARAMETER_SUFFIXES = {
  baseUrl: "base_url",
  apiKeySecretId: "api_key_secret",
  signingSecretId: "signing_secret",
  maxFileBytes: "max_file_bytes",
  maxAttempts: "max_attempts",
  backoffMs: "backoff_ms",
  maxBackoffMs: "max_backoff_ms",
} as const;

export const MAP_REDUCE_PARAMETER_PREFIX = "custscript_mw_mr_";
export const SUITELET_PARAMETER_PREFIX = "custscript_mw_sl_";
export const SCHEDULED_PARAMETER_PREFIX = "custscript_mw_ss_";

/** The parameters the status script declares: it sends no files, so only where and how to connect. */
export const CONNECTION_PARAMETERS = ["baseUrl", "apiKeySecretId", "signingSecretId"] as const;

/** NetSuite's File.getContents() refuses files over 10 MB (SSS_FILE_CONTENT_SIZE_EXCEEDED). */
export const NETSUITE_MAX_CONTENT_BYTES = 10_485_760;

export const DEFAULTS = {
  apiKeySecretId: "custsecret_mw_api_key",
  maxFileBytes: NETSUITE_MAX_CONTENT_BYTES,
  maxAttempts: 3,
  backoffMs: 1000,
  maxBackoffMs: 8000,
} as const;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export function readConfig(runtime: NModules["runtime"], prefix: string): ClientConfig {
  const script = runtime.getCurrentScript();
  const text = (suffix: string): string => {
    const value = script.getParameter({ name: prefix + suffix });
    return value === null || value === undefined ? "" : String(value).trim();
  };
  const integer = (suffix: string, fallback: number, min: number, max: number): number => {
    const raw = text(suffix);
    if (raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`script parameter ${prefix + suffix} must be an integer from ${min} to ${max}`);
    }
    return value;
  };

  const baseUrl = text(PARAMETER_SUFFIXES.baseUrl).replace(/\/+$/, "");
  if (!/^https:\/\/[^\s/]+/.test(baseUrl)) {
    throw new ConfigError(`script parameter ${prefix}${PARAMETER_SUFFIXES.baseUrl} must be an https:// URL`);
  }
  const secretId = (suffix: string): string => {
    const id = text(suffix);
    if (id !== "" && !/^custsecret[a-z0-9_]+$/.test(id)) {
      throw new ConfigError(`script parameter ${prefix + suffix} must be an API Secret id (custsecret...)`);
    }
    return id;
  };

  return {
    baseUrl,
    apiKeySecretId: secretId(PARAMETER_SUFFIXES.apiKeySecretId) || DEFAULTS.apiKeySecretId,
    signingSecretId: secretId(PARAMETER_SUFFIXES.signingSecretId) || null,
    maxFileBytes: integer(PARAMETER_SUFFIXES.maxFileBytes, DEFAULTS.maxFileBytes, 1, NETSUITE_MAX_CONTENT_BYTES),
    maxAttempts: integer(PARAMETER_SUFFIXES.maxAttempts, DEFAULTS.maxAttempts, 1, 10),
    backoffMs: integer(PARAMETER_SUFFIXES.backoffMs, DEFAULTS.backoffMs, 0, 60_000),
    maxBackoffMs: integer(PARAMETER_SUFFIXES.maxBackoffMs, DEFAULTS.maxBackoffMs, 0, 120_000),
  };
}
