import t from "tap";
import { DEFAULT_CLIENT } from "../../app.ts";
import { books, mintToken, refreshParams, setFaults, sleep, startSim, stats, tokenRequest } from "../helper.ts";

t.test("refresh grant answers Zoho's success JSON, from the query string or a form body", async (t) => {
  const sim = await startSim(t);
  for (const as of ["query", "form"] as const) {
    const { status, body } = await tokenRequest(sim, refreshParams(), as);
    t.equal(status, 200, as);
    t.match(body.access_token, /^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/, as);
    t.equal(body.expires_in, 3600, `${as}: Zoho's default lifetime`);
    t.equal(body.token_type, "Bearer");
    t.equal(body.api_domain, sim.url);
    t.notOk("refresh_token" in body, "a refresh answer carries no refresh_token");
  }
  const s = await stats(sim);
  t.equal(s.tokens.mints, 2);
});

t.test("bad client and bad refresh token are HTTP 200 with an error key, as Zoho answers", async (t) => {
  const sim = await startSim(t);
  const wrongSecret = await tokenRequest(sim, refreshParams({ client_secret: "nope" }));
  t.same(wrongSecret, { status: 200, body: { error: "invalid_client" } });
  const wrongClient = await tokenRequest(sim, refreshParams({ client_id: "1000.OTHER" }));
  t.same(wrongClient, { status: 200, body: { error: "invalid_client" } });
  const wrongToken = await tokenRequest(sim, refreshParams({ refresh_token: "1000.unknown" }));
  t.same(wrongToken, { status: 200, body: { error: "invalid_code" } });
  const noGrant = await tokenRequest(sim, refreshParams({ grant_type: "password" }));
  t.same(noGrant, { status: 200, body: { error: "unsupported_grant_type" } });
  const s = await stats(sim);
  t.equal(s.tokens.invalidClient, 2);
  t.equal(s.tokens.invalidCode, 1);
  t.equal(s.tokens.mints, 0);
});

t.test("authorization_code grant: single use, returns a refresh token that then works", async (t) => {
  const sim = await startSim(t);
  const params = {
    grant_type: "authorization_code",
    client_id: DEFAULT_CLIENT.clientId,
    client_secret: DEFAULT_CLIENT.clientSecret,
    code: "1000.sim-grant-code",
    redirect_uri: "http://localhost/cb",
  };
  const first = await tokenRequest(sim, params, "form");
  t.equal(first.status, 200);
  t.type(first.body.refresh_token, "string");
  t.type(first.body.access_token, "string");
  const again = await tokenRequest(sim, params, "form");
  t.same(again.body, { error: "invalid_code" }, "a grant code is single-use");
  const refreshed = await tokenRequest(sim, refreshParams({ refresh_token: String(first.body.refresh_token) }));
  t.type(refreshed.body.access_token, "string");

  const fresh = (await (await fetch(`${sim.url}/__sim/grant-codes`, { method: "POST" })).json()) as { code: string };
  const viaFresh = await tokenRequest(sim, { ...params, code: fresh.code });
  t.type(viaFresh.body.access_token, "string", "POST /__sim/grant-codes mints a usable code");
});

t.test("grant codes expire after grantCodeTtlMs", async (t) => {
  const sim = await startSim(t, { grantCodeTtlMs: 50 });
  await sleep(80);
  const answer = await tokenRequest(sim, {
    grant_type: "authorization_code",
    client_id: DEFAULT_CLIENT.clientId,
    client_secret: DEFAULT_CLIENT.clientSecret,
    code: "1000.sim-grant-code",
  });
  t.same(answer.body, { error: "invalid_code" });
});

t.test("mint limit: the (limit+1)th mint in the window is Access Denied, and the window reopens", async (t) => {
  const sim = await startSim(t, { limits: { mintLimit: 3, mintWindowMs: 400 } });
  for (let i = 0; i < 3; i++) t.equal((await tokenRequest(sim, refreshParams())).status, 200);
  const denied = await tokenRequest(sim, refreshParams());
  t.equal(denied.status, 400, "options.mintDeniedStatus (default 400; Zoho's status is unconfirmed)");
  t.same(denied.body, {
    error_description: "You have made too many requests continuously. Please try again after some time.",
    error: "Access Denied",
    status: "failure",
  });
  await sleep(450);
  t.type((await tokenRequest(sim, refreshParams())).body.access_token, "string", "allowed again after the window");
  const s = await stats(sim);
  t.equal(s.tokens.mintDenied, 1);
  t.equal(s.tokens.mints, 4);
});

t.test("at most maxLiveTokens live tokens per refresh token: the next mint evicts the oldest", async (t) => {
  const sim = await startSim(t, { limits: { maxLiveTokens: 2 } });
  const oldest = await mintToken(sim);
  const second = await mintToken(sim);
  t.equal((await books(sim, "/contacts", { token: oldest })).status, 200);
  const third = await mintToken(sim);
  const evicted = await books(sim, "/contacts", { token: oldest });
  t.equal(evicted.status, 401, "the oldest token is gone");
  t.same(evicted.body, { code: 57, message: "You are not authorized to perform this operation" });
  t.equal((await books(sim, "/contacts", { token: second })).status, 200);
  t.equal((await books(sim, "/contacts", { token: third })).status, 200);
  t.equal((await stats(sim)).tokens.evicted, 1);
});

t.test("access tokens expire after tokenTtlSeconds", async (t) => {
  const sim = await startSim(t, { limits: { tokenTtlSeconds: 0.3 } });
  const answer = await tokenRequest(sim, refreshParams());
  t.equal(answer.body.expires_in, 1, "expires_in is whole seconds, at least 1");
  const token = String(answer.body.access_token);
  t.equal((await books(sim, "/contacts", { token })).status, 200);
  await sleep(350);
  const expired = await books(sim, "/contacts", { token });
  t.equal(expired.status, 401);
  t.equal(expired.body.code, 57);
  t.equal((await stats(sim)).tokens.expiredRejected, 1);
});

t.test("revoking the refresh token (endpoint or fault) kills its access tokens and answers invalid_code", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const res = await fetch(`${sim.url}/oauth/v2/token/revoke?token=1000.sim-refresh-token`, { method: "POST" });
  t.equal(res.status, 200);
  t.equal((await books(sim, "/contacts", { token })).status, 401);
  t.same((await tokenRequest(sim, refreshParams())).body, { error: "invalid_code" });
  await setFaults(sim, { restoreRefreshTokens: true });
  const again = await mintToken(sim);
  t.equal((await books(sim, "/contacts", { token: again })).status, 200, "restored");
  const revoked = await setFaults(sim, { revokeRefreshTokens: true });
  t.equal(revoked.revokedRefreshTokens, 1);
  t.equal((await books(sim, "/contacts", { token: again })).status, 401);
  t.same((await tokenRequest(sim, refreshParams())).body, { error: "invalid_code" });
});

t.test("faults aimed at the accounts host: 5xx and Access Denied", async (t) => {
  const sim = await startSim(t);
  await setFaults(sim, { error5xx: { target: "oauth", count: 1 } });
  const failed = await tokenRequest(sim, refreshParams());
  t.equal(failed.status, 500);
  t.equal((await tokenRequest(sim, refreshParams())).status, 200, "count 1: one failure only");
  await setFaults(sim, { rate429: { target: "oauth", count: 1 } });
  const denied = await tokenRequest(sim, refreshParams());
  t.equal(denied.body.error, "Access Denied");
  const s = await stats(sim);
  t.equal(s.injected.error5xx, 1);
  t.equal(s.injected.rate429, 1);
  t.equal(s.tokens.mints, 1, "faulted requests mint nothing");
});
