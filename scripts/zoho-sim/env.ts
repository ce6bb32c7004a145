/**
 * ZOHO_SIM_* environment variables → simulator options. A pure function of the env object it is
 * given; only server.ts passes process.env (the simulator is a dev tool, outside lib/config.ts).
 * Every variable is listed, with its default, in README.md.
 */
import { z } from "zod";
import type { ListenOptions } from "./app.ts";
import type { SimLimits, SimVendor, ZohoSimulatorOptions } from "./options.ts";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "expected true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");
const posInt = z.coerce.number().int().positive();
const list = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1));
const json = z.string().transform((s, ctx) => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "expected JSON" });
    return z.NEVER;
  }
});

const Vendor = z.object({
  contactId: z.string().regex(/^\d{1,30}$/),
  contactName: z.string().min(1),
  companyName: z.string().optional(),
  email: z.string().optional(),
});

/** "id=Name;id=Name" or a JSON array of {contactId, contactName, companyName?, email?}. */
const vendors = z.string().transform((s, ctx): SimVendor[] => {
  const trimmed = s.trim();
  if (trimmed.startsWith("[")) {
    const parsed = z.array(Vendor).min(1).safeParse(JSON.parse(trimmed));
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: "custom", message: "expected a JSON array of {contactId, contactName}" });
    return z.NEVER;
  }
  const out: SimVendor[] = [];
  for (const pair of trimmed.split(";").filter(Boolean)) {
    const [id, ...name] = pair.split("=");
    const parsed = Vendor.safeParse({ contactId: id?.trim(), contactName: name.join("=").trim() });
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: `bad vendor "${pair}": expected <numeric id>=<name>` });
      return z.NEVER;
    }
    out.push(parsed.data);
  }
  return out;
});

const EnvSchema = z.object({
  ZOHO_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(58080),
  ZOHO_SIM_HOST: z.string().min(1).default("127.0.0.1"),
  ZOHO_SIM_LOG_LEVEL: z.enum(["off", "fatal", "error", "warn", "info", "debug", "trace"]).default("off"),
  ZOHO_SIM_RATE_LIMIT: posInt.optional(),
  ZOHO_SIM_WINDOW_MS: posInt.optional(),
  ZOHO_SIM_WINDOW_MODE: z.enum(["sliding", "fixed"]).optional(),
  ZOHO_SIM_DAILY_QUOTA: posInt.optional(),
  ZOHO_SIM_DAY_MS: posInt.optional(),
  ZOHO_SIM_MAX_CONCURRENT: posInt.optional(),
  ZOHO_SIM_TOKEN_TTL_SECONDS: z.coerce.number().positive().optional(),
  ZOHO_SIM_MINT_LIMIT: posInt.optional(),
  ZOHO_SIM_MINT_WINDOW_MS: posInt.optional(),
  ZOHO_SIM_MAX_LIVE_TOKENS: posInt.optional(),
  ZOHO_SIM_MAX_ATTACHMENT_BYTES: posInt.optional(),
  ZOHO_SIM_MAX_ATTACHMENTS_PER_BILL: posInt.optional(),
  ZOHO_SIM_ORGANIZATION_IDS: list.optional(),
  /** Single-value forms, merged with the lists (the local stack sets these). */
  ZOHO_SIM_ORGANIZATION_ID: list.optional(),
  ZOHO_SIM_REFRESH_TOKEN: list.optional(),
  ZOHO_SIM_CLIENT_ID: z.string().min(1).optional(),
  ZOHO_SIM_CLIENT_SECRET: z.string().min(1).optional(),
  ZOHO_SIM_REFRESH_TOKENS: list.optional(),
  ZOHO_SIM_GRANT_CODE_TTL_MS: posInt.optional(),
  ZOHO_SIM_VENDORS: vendors.optional(),
  ZOHO_SIM_API_DOMAIN: z.url().optional(),
  ZOHO_SIM_MINT_DENIED_STATUS: z.coerce.number().int().min(200).max(599).optional(),
  ZOHO_SIM_RATE_LIMIT_HEADERS: bool.optional(),
  ZOHO_SIM_REQUIRE_LINE_ITEMS: bool.optional(),
  ZOHO_SIM_STORE_ATTACHMENT_BYTES: bool.optional(),
  ZOHO_SIM_FAULTS: json.pipe(z.record(z.string(), z.unknown())).optional(),
});

export function optionsFromEnv(env: Record<string, string | undefined>): ZohoSimulatorOptions & ListenOptions {
  const relevant = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("ZOHO_SIM_") && v !== ""));
  const parsed = EnvSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`zoho-sim: bad environment\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const limits: Partial<SimLimits> = {};
  const setLimit = <K extends keyof SimLimits>(key: K, value: SimLimits[K] | undefined) => {
    if (value !== undefined) limits[key] = value;
  };
  setLimit("perWindow", e.ZOHO_SIM_RATE_LIMIT);
  setLimit("windowMs", e.ZOHO_SIM_WINDOW_MS);
  setLimit("windowMode", e.ZOHO_SIM_WINDOW_MODE);
  setLimit("dailyQuota", e.ZOHO_SIM_DAILY_QUOTA);
  setLimit("dayMs", e.ZOHO_SIM_DAY_MS);
  setLimit("maxConcurrent", e.ZOHO_SIM_MAX_CONCURRENT);
  setLimit("tokenTtlSeconds", e.ZOHO_SIM_TOKEN_TTL_SECONDS);
  setLimit("mintLimit", e.ZOHO_SIM_MINT_LIMIT);
  setLimit("mintWindowMs", e.ZOHO_SIM_MINT_WINDOW_MS);
  setLimit("maxLiveTokens", e.ZOHO_SIM_MAX_LIVE_TOKENS);
  setLimit("maxAttachmentBytes", e.ZOHO_SIM_MAX_ATTACHMENT_BYTES);
  setLimit("maxAttachmentsPerBill", e.ZOHO_SIM_MAX_ATTACHMENTS_PER_BILL);

  const orgIds = union(e.ZOHO_SIM_ORGANIZATION_ID, e.ZOHO_SIM_ORGANIZATION_IDS);
  const refreshTokens = union(e.ZOHO_SIM_REFRESH_TOKEN, e.ZOHO_SIM_REFRESH_TOKENS);
  const clientId = e.ZOHO_SIM_CLIENT_ID;
  const clientSecret = e.ZOHO_SIM_CLIENT_SECRET;
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new Error("zoho-sim: bad environment\n  ZOHO_SIM_CLIENT_ID and ZOHO_SIM_CLIENT_SECRET go together");
  }
  return {
    port: e.ZOHO_SIM_PORT,
    host: e.ZOHO_SIM_HOST,
    logLevel: e.ZOHO_SIM_LOG_LEVEL === "off" ? false : e.ZOHO_SIM_LOG_LEVEL,
    limits,
    ...(orgIds && {
      organizations: orgIds.map((id, i) => ({
        organizationId: id,
        name: `Simulated Org ${i + 1}`,
      })),
    }),
    ...(clientId && clientSecret && { clients: [{ clientId, clientSecret }] }),
    ...(refreshTokens && {
      refreshTokens: refreshTokens.map((token) => ({ token, clientId: clientId ?? "1000.SIMCLIENT" })),
    }),
    ...(e.ZOHO_SIM_GRANT_CODE_TTL_MS !== undefined && { grantCodeTtlMs: e.ZOHO_SIM_GRANT_CODE_TTL_MS }),
    ...(e.ZOHO_SIM_VENDORS && { vendors: e.ZOHO_SIM_VENDORS }),
    ...(e.ZOHO_SIM_API_DOMAIN && { apiDomain: e.ZOHO_SIM_API_DOMAIN }),
    ...(e.ZOHO_SIM_MINT_DENIED_STATUS !== undefined && { mintDeniedStatus: e.ZOHO_SIM_MINT_DENIED_STATUS }),
    ...(e.ZOHO_SIM_RATE_LIMIT_HEADERS !== undefined && { rateLimitHeaders: e.ZOHO_SIM_RATE_LIMIT_HEADERS }),
    ...(e.ZOHO_SIM_REQUIRE_LINE_ITEMS !== undefined && { requireLineItems: e.ZOHO_SIM_REQUIRE_LINE_ITEMS }),
    ...(e.ZOHO_SIM_STORE_ATTACHMENT_BYTES !== undefined && { storeAttachmentBytes: e.ZOHO_SIM_STORE_ATTACHMENT_BYTES }),
    ...(e.ZOHO_SIM_FAULTS && { faults: e.ZOHO_SIM_FAULTS }),
  };
}

function union(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  return a || b ? [...new Set([...(a ?? []), ...(b ?? [])])] : undefined;
}
