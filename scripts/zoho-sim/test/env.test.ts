import t from "tap";
import { optionsFromEnv } from "../env.ts";

t.test("no ZOHO_SIM_* variables: port 58080 on loopback, Zoho's defaults", async (t) => {
  const o = optionsFromEnv({ PATH: "/bin", ZOHO_SIM_RATE_LIMIT: "" });
  t.same(o, { port: 58080, host: "127.0.0.1", logLevel: false, limits: {} });
});

t.test("every variable maps to its option", async (t) => {
  const o = optionsFromEnv({
    ZOHO_SIM_PORT: "0",
    ZOHO_SIM_HOST: "0.0.0.0",
    ZOHO_SIM_LOG_LEVEL: "info",
    ZOHO_SIM_RATE_LIMIT: "40",
    ZOHO_SIM_WINDOW_MS: "2000",
    ZOHO_SIM_WINDOW_MODE: "fixed",
    ZOHO_SIM_DAILY_QUOTA: "5000",
    ZOHO_SIM_DAY_MS: "60000",
    ZOHO_SIM_MAX_CONCURRENT: "5",
    ZOHO_SIM_TOKEN_TTL_SECONDS: "2.5",
    ZOHO_SIM_MINT_LIMIT: "3",
    ZOHO_SIM_MINT_WINDOW_MS: "10000",
    ZOHO_SIM_MAX_LIVE_TOKENS: "4",
    ZOHO_SIM_MAX_ATTACHMENT_BYTES: "1048576",
    ZOHO_SIM_MAX_ATTACHMENTS_PER_BILL: "2",
    ZOHO_SIM_ORGANIZATION_IDS: "111, 222",
    ZOHO_SIM_CLIENT_ID: "1000.ABC",
    ZOHO_SIM_CLIENT_SECRET: "s3cret",
    ZOHO_SIM_REFRESH_TOKENS: "1000.r1,1000.r2",
    ZOHO_SIM_GRANT_CODE_TTL_MS: "5000",
    ZOHO_SIM_VENDORS: "9001=Paper Co;9002=Ink = Toner Ltd",
    ZOHO_SIM_API_DOMAIN: "http://sim.local:58080",
    ZOHO_SIM_MINT_DENIED_STATUS: "200",
    ZOHO_SIM_RATE_LIMIT_HEADERS: "false",
    ZOHO_SIM_REQUIRE_LINE_ITEMS: "true",
    ZOHO_SIM_STORE_ATTACHMENT_BYTES: "no",
    ZOHO_SIM_FAULTS: '{"slow":{"delayMs":10}}',
  });
  t.same(o, {
    port: 0,
    host: "0.0.0.0",
    logLevel: "info",
    limits: {
      perWindow: 40,
      windowMs: 2000,
      windowMode: "fixed",
      dailyQuota: 5000,
      dayMs: 60000,
      maxConcurrent: 5,
      tokenTtlSeconds: 2.5,
      mintLimit: 3,
      mintWindowMs: 10000,
      maxLiveTokens: 4,
      maxAttachmentBytes: 1048576,
      maxAttachmentsPerBill: 2,
    },
    organizations: [
      { organizationId: "111", name: "Simulated Org 1" },
      { organizationId: "222", name: "Simulated Org 2" },
    ],
    clients: [{ clientId: "1000.ABC", clientSecret: "s3cret" }],
    refreshTokens: [
      { token: "1000.r1", clientId: "1000.ABC" },
      { token: "1000.r2", clientId: "1000.ABC" },
    ],
    grantCodeTtlMs: 5000,
    vendors: [
      { contactId: "9001", contactName: "Paper Co" },
      { contactId: "9002", contactName: "Ink = Toner Ltd" },
    ],
    apiDomain: "http://sim.local:58080",
    mintDeniedStatus: 200,
    rateLimitHeaders: false,
    requireLineItems: true,
    storeAttachmentBytes: false,
    faults: { slow: { delayMs: 10 } },
  });
});

t.test("single-value forms merge with the lists", async (t) => {
  const o = optionsFromEnv({
    ZOHO_SIM_ORGANIZATION_ID: "333",
    ZOHO_SIM_ORGANIZATION_IDS: "333,444",
    ZOHO_SIM_CLIENT_ID: "1000.LOCALCLIENT",
    ZOHO_SIM_CLIENT_SECRET: "x",
    ZOHO_SIM_REFRESH_TOKEN: "1000.local",
  });
  t.same(
    o.organizations?.map((org) => org.organizationId),
    ["333", "444"],
  );
  t.same(o.refreshTokens, [{ token: "1000.local", clientId: "1000.LOCALCLIENT" }]);
});

t.test("vendors as JSON", async (t) => {
  const o = optionsFromEnv({ ZOHO_SIM_VENDORS: '[{"contactId":"5","contactName":"Five","email":"a@b.c"}]' });
  t.same(o.vendors, [{ contactId: "5", contactName: "Five", email: "a@b.c" }]);
});

t.test("bad values are named in one error", async (t) => {
  t.throws(
    () =>
      optionsFromEnv({
        ZOHO_SIM_RATE_LIMIT: "0",
        ZOHO_SIM_WINDOW_MODE: "rolling",
        ZOHO_SIM_VENDORS: "abc=Name",
        ZOHO_SIM_FAULTS: "{",
      }),
    { message: /ZOHO_SIM_RATE_LIMIT[\s\S]*ZOHO_SIM_WINDOW_MODE[\s\S]*ZOHO_SIM_VENDORS[\s\S]*ZOHO_SIM_FAULTS/ },
  );
  t.throws(() => optionsFromEnv({ ZOHO_SIM_CLIENT_ID: "x" }), { message: /go together/ });
});
