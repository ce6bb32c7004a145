import {
  DEFAULT_ACCOUNTS,
  DEFAULT_CURRENCIES,
  DEFAULT_TAXES,
  type SimAccount,
  type SimCurrency,
  type SimTax,
} from "./ledger.ts";

/**
 * Simulator options: every field documented with its default. Defaults are Zoho's published
 * limits where Zoho publishes one; README.md lists the sources and what is unconfirmed.
 */

export interface SimOrganization {
  /** Numeric string, as Zoho's ids are. */
  readonly organizationId: string;
  readonly name: string;
}

export interface SimVendor {
  /** The contact_id a bill's vendor_id refers to. */
  readonly contactId: string;
  readonly contactName: string;
  readonly companyName?: string;
  readonly email?: string;
}

export interface SimClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface SimRefreshToken {
  readonly token: string;
  readonly clientId: string;
}

export interface SimGrantCode {
  readonly code: string;
  readonly clientId: string;
}

/** Limits that can also be changed at run time (POST /__sim/faults {"limits": {...}}). */
export interface SimLimits {
  /** Books requests accepted per organization per window (code 44 above it). @default 100 */
  perWindow: number;
  /** Length of the per-organization window in ms. @default 60000 */
  windowMs: number;
  /**
   * "sliding": at most perWindow requests in any trailing windowMs (the strict reading of
   * "100 requests per minute"); "fixed": windows aligned to the epoch. Zoho does not say which.
   * @default "sliding"
   */
  windowMode: "sliding" | "fixed";
  /** Books requests accepted per organization per day (code 45 above it). Free plan's figure. @default 1000 */
  dailyQuota: number;
  /** Length of the quota "day" in ms, aligned to the epoch (UTC midnight by default). @default 86400000 */
  dayMs: number;
  /** Books requests in flight per organization (code 1070 above it); Zoho's paid-plan soft limit. @default 10 */
  maxConcurrent: number;
  /** Access-token lifetime returned as expires_in. @default 3600 */
  tokenTtlSeconds: number;
  /** Access tokens minted per refresh token per mint window ("Access Denied" above it). @default 10 */
  mintLimit: number;
  /** Mint window in ms. @default 600000 */
  mintWindowMs: number;
  /** Live access tokens per refresh token; minting one more evicts the oldest. @default 10 */
  maxLiveTokens: number;
  /** Largest attachment accepted, in bytes. Unconfirmed for Zoho. @default 10485760 (10 MB) */
  maxAttachmentBytes: number;
  /** Attachments a bill may hold. Unconfirmed for Zoho. @default 5 */
  maxAttachmentsPerBill: number;
}

export interface ZohoSimulatorOptions {
  /** Runtime-adjustable limits; unset fields take Zoho's defaults. */
  readonly limits?: Partial<SimLimits>;
  /** @default [{ organizationId: "10234695", name: "Simulated Org" }] (the id from Zoho's docs examples) */
  readonly organizations?: readonly SimOrganization[];
  /** Vendors seeded into every organization. @default DEFAULT_VENDORS */
  readonly vendors?: readonly SimVendor[];
  /** OAuth clients. @default [{ clientId: "1000.SIMCLIENT", clientSecret: "sim-client-secret" }] */
  readonly clients?: readonly SimClient[];
  /** Refresh tokens accepted by the refresh grant. @default [{ token: "1000.sim-refresh-token", clientId: first client }] */
  readonly refreshTokens?: readonly SimRefreshToken[];
  /** Single-use grant codes for grant_type=authorization_code. @default [{ code: "1000.sim-grant-code", clientId: first client }] */
  readonly grantCodes?: readonly SimGrantCode[];
  /**
   * Lifetime of a grant code from when it was seeded (construction, reset or POST /__sim/grant-codes);
   * Zoho's Books OAuth page gives 60 s. @default 60000
   */
  readonly grantCodeTtlMs?: number;
  /** api_domain in token responses; the simulator's own URL when unset. */
  readonly apiDomain?: string;
  /** HTTP status of the mint-limit "Access Denied" answer; unconfirmed for Zoho. @default 400 */
  readonly mintDeniedStatus?: number;
  /** Send X-Rate-Limit-Limit/-Remaining/-Reset (daily quota) on Books answers, as reported in the wild. @default true */
  readonly rateLimitHeaders?: boolean;
  /** Require at least one line item on create; unconfirmed for Zoho. @default false */
  readonly requireLineItems?: boolean;
  /** The organization's currencies (GET /settings/currencies; a bill's currency_id). @default DEFAULT_CURRENCIES */
  readonly currencies?: readonly SimCurrency[];
  /** Taxes a line's tax_id may name. @default DEFAULT_TAXES */
  readonly taxes?: readonly SimTax[];
  /** Expense accounts (listed by /__sim/ledger; a line's account_id is not checked). @default DEFAULT_ACCOUNTS */
  readonly accounts?: readonly SimAccount[];
  /**
   * Create a bill sent as multipart but drop its attachment, as a Books that accepts only the
   * documented JSON create would (tests the worker's auto create mode). @default false
   */
  readonly ignoreCreateAttachment?: boolean;
  /** Keep attachment bytes in memory (GET returns them); off for long load tests. @default true */
  readonly storeAttachmentBytes?: boolean;
  /** Faults active from the start, same shape as POST /__sim/faults. @default {} */
  readonly faults?: Record<string, unknown>;
  /** Fastify logger level, or false for no request logging (fast). @default false */
  readonly logLevel?: string | false;
}

export const DEFAULT_LIMITS: Readonly<SimLimits> = Object.freeze({
  perWindow: 100,
  windowMs: 60_000,
  windowMode: "sliding",
  dailyQuota: 1000,
  dayMs: 86_400_000,
  maxConcurrent: 10,
  tokenTtlSeconds: 3600,
  mintLimit: 10,
  mintWindowMs: 600_000,
  maxLiveTokens: 10,
  maxAttachmentBytes: 10 * 1024 * 1024,
  maxAttachmentsPerBill: 5,
});

export const DEFAULT_ORGANIZATION_ID = "10234695";
export const DEFAULT_CLIENT: SimClient = Object.freeze({
  clientId: "1000.SIMCLIENT",
  clientSecret: "sim-client-secret",
});
export const DEFAULT_REFRESH_TOKEN = "1000.sim-refresh-token";
export const DEFAULT_GRANT_CODE = "1000.sim-grant-code";

/** Stable ids so tests and the local stack can refer to them. Two share a name on purpose (Zoho allows it). */
export const DEFAULT_VENDORS: readonly SimVendor[] = Object.freeze([
  { contactId: "460000000000101", contactName: "Acme Supplies", companyName: "Acme Supplies Inc." },
  { contactId: "460000000000102", contactName: "Globex Corporation", companyName: "Globex Corporation" },
  { contactId: "460000000000103", contactName: "Initech LLC", companyName: "Initech LLC" },
  { contactId: "460000000000104", contactName: "Duplicate Name Vendor", companyName: "Duplicate One" },
  { contactId: "460000000000105", contactName: "Duplicate Name Vendor", companyName: "Duplicate Two" },
]);

/** gif, png, jpeg, jpg, bmp, pdf: the extensions Zoho's bill attachment API lists. */
export const ALLOWED_ATTACHMENT_EXTENSIONS: readonly string[] = Object.freeze([
  "gif",
  "png",
  "jpeg",
  "jpg",
  "bmp",
  "pdf",
]);

export interface ResolvedOptions {
  limits: SimLimits;
  organizations: readonly SimOrganization[];
  vendors: readonly SimVendor[];
  clients: readonly SimClient[];
  refreshTokens: readonly SimRefreshToken[];
  grantCodes: readonly SimGrantCode[];
  grantCodeTtlMs: number;
  apiDomain: string | undefined;
  mintDeniedStatus: number;
  rateLimitHeaders: boolean;
  requireLineItems: boolean;
  currencies: readonly SimCurrency[];
  taxes: readonly SimTax[];
  accounts: readonly SimAccount[];
  ignoreCreateAttachment: boolean;
  storeAttachmentBytes: boolean;
  faults: Record<string, unknown>;
  logLevel: string | false;
}

/** Fills defaults and fails on contradictory options, naming the bad one (sqs-consumer's assertOptions style). */
export function resolveOptions(options: ZohoSimulatorOptions = {}): ResolvedOptions {
  const limits = validateLimits({ ...DEFAULT_LIMITS, ...options.limits });
  const clients = options.clients?.length ? options.clients : [DEFAULT_CLIENT];
  const firstClient = clients[0]!.clientId;
  const organizations = options.organizations?.length
    ? options.organizations
    : [{ organizationId: DEFAULT_ORGANIZATION_ID, name: "Simulated Org" }];
  for (const org of organizations) {
    if (!/^\d{1,30}$/.test(org.organizationId)) {
      throw new Error(`zoho-sim: organizationId "${org.organizationId}" must be a numeric string`);
    }
  }
  const vendors = options.vendors ?? DEFAULT_VENDORS;
  for (const vendor of vendors) {
    if (!/^\d{1,30}$/.test(vendor.contactId)) {
      throw new Error(`zoho-sim: vendor contactId "${vendor.contactId}" must be a numeric string`);
    }
  }
  const refreshTokens = options.refreshTokens ?? [{ token: DEFAULT_REFRESH_TOKEN, clientId: firstClient }];
  const grantCodes = options.grantCodes ?? [{ code: DEFAULT_GRANT_CODE, clientId: firstClient }];
  const knownClients = new Set(clients.map((c) => c.clientId));
  for (const t of [...refreshTokens.map((r) => r.clientId), ...grantCodes.map((g) => g.clientId)]) {
    if (!knownClients.has(t)) throw new Error(`zoho-sim: token or grant code refers to unknown client "${t}"`);
  }
  return {
    limits,
    organizations,
    vendors,
    clients,
    refreshTokens,
    grantCodes,
    grantCodeTtlMs: options.grantCodeTtlMs ?? 60_000,
    apiDomain: options.apiDomain,
    mintDeniedStatus: options.mintDeniedStatus ?? 400,
    rateLimitHeaders: options.rateLimitHeaders ?? true,
    requireLineItems: options.requireLineItems ?? false,
    currencies: options.currencies ?? DEFAULT_CURRENCIES,
    taxes: options.taxes ?? DEFAULT_TAXES,
    accounts: options.accounts ?? DEFAULT_ACCOUNTS,
    ignoreCreateAttachment: options.ignoreCreateAttachment ?? false,
    storeAttachmentBytes: options.storeAttachmentBytes ?? true,
    faults: options.faults ?? {},
    logLevel: options.logLevel ?? false,
  };
}

const POSITIVE_LIMITS = [
  "perWindow",
  "windowMs",
  "dailyQuota",
  "dayMs",
  "maxConcurrent",
  "tokenTtlSeconds",
  "mintLimit",
  "mintWindowMs",
  "maxLiveTokens",
  "maxAttachmentBytes",
  "maxAttachmentsPerBill",
] as const;

export function validateLimits(limits: SimLimits): SimLimits {
  for (const key of POSITIVE_LIMITS) {
    const value = limits[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new Error(`zoho-sim: limit ${key} must be a positive number, got ${JSON.stringify(value)}`);
    }
  }
  if (limits.windowMode !== "sliding" && limits.windowMode !== "fixed") {
    throw new Error(
      `zoho-sim: limit windowMode must be "sliding" or "fixed", got ${JSON.stringify(limits.windowMode)}`,
    );
  }
  return limits;
}
