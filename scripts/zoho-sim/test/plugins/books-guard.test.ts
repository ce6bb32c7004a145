import t from "tap";
import { books, mintToken, setFaults, sleep, startSim, stats } from "../helper.ts";

t.test("401 with Zoho's body for a missing, malformed, unknown or Bearer token", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const noHeader = await books(sim, "/bills");
  t.equal(noHeader.status, 401);
  t.same(noHeader.body, { code: 57, message: "You are not authorized to perform this operation" });
  t.equal((await books(sim, "/bills", { token: "1000.not-a-token" })).status, 401);
  const bearer = await fetch(`${sim.url}/books/v3/bills?organization_id=10234695`, {
    headers: { authorization: `Bearer ${token}` },
  });
  t.equal(bearer.status, 401, "Zoho wants Zoho-oauthtoken, not Bearer");
  await bearer.body?.cancel();
  const lowerCase = await fetch(`${sim.url}/books/v3/bills?organization_id=10234695`, {
    headers: { authorization: `zoho-oauthtoken ${token}` },
  });
  t.equal(lowerCase.status, 200, "the scheme name is case-insensitive");
  await lowerCase.body?.cancel();
  t.equal((await stats(sim)).unauthorized, 3);
});

t.test("organization_id: missing or malformed is 400 code 2, unknown is 400 code 6041", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const missing = await books(sim, "/bills", { token, org: null });
  t.same(missing, {
    status: 400,
    headers: missing.headers,
    body: { code: 2, message: "Invalid value passed for organization_id" },
  });
  t.equal((await books(sim, "/bills", { token, org: "abc" })).body.code, 2);
  const unknown = await books(sim, "/bills", { token, org: "999" });
  t.equal(unknown.status, 400);
  t.same(unknown.body, { code: 6041, message: "This user is not associated with the CompanyID/CompanyName:999." });
  const orgs = await books(sim, "/organizations", { token, org: null });
  t.equal(orgs.status, 200, "GET /organizations needs no organization_id");
  t.match(orgs.body.organizations, [{ organization_id: "10234695", is_default_org: true }]);
});

t.test("per-window limit: 429 code 44 with no Retry-After, rejected calls do not count, window reopens", async (t) => {
  const sim = await startSim(t, { limits: { perWindow: 5, windowMs: 500 } });
  const token = await mintToken(sim);
  for (let i = 0; i < 5; i++) t.equal((await books(sim, "/contacts", { token })).status, 200);
  const limited = await books(sim, "/contacts", { token });
  t.equal(limited.status, 429);
  t.equal(limited.body.code, 44);
  t.match(limited.body.message, /per-minute/);
  t.equal(limited.headers.get("retry-after"), null, "Zoho sends no Retry-After");
  t.equal((await books(sim, "/contacts", { token })).status, 429);
  await sleep(520);
  t.equal((await books(sim, "/contacts", { token })).status, 200, "a new window admits again");
  const s = await stats(sim);
  t.equal(s.rejected429["44"], 2);
  const org = s.organizations["10234695"]!;
  t.equal(org.accepted, 6);
  t.equal(org.maxInAnyWindow, 5, "never more than the limit in any trailing window");
  t.ok(org.windows.length >= 1);
});

t.test("sliding mode refuses a burst straddling a fixed-window edge; fixed mode admits it", async (t) => {
  const windowMs = 400;
  // Start just after a fixed boundary so both bursts sit either side of the next one.
  const untilEdge = windowMs - (Date.now() % windowMs);
  await sleep(untilEdge + 150);
  for (const windowMode of ["sliding", "fixed"] as const) {
    const sim = await startSim(t, { limits: { perWindow: 3, windowMs, windowMode } });
    const token = await mintToken(sim);
    const start = Date.now();
    for (let i = 0; i < 3; i++) await books(sim, "/contacts", { token });
    const nextEdge = Math.ceil(start / windowMs) * windowMs;
    await sleep(Math.max(0, nextEdge - Date.now()) + 20);
    const status = (await books(sim, "/contacts", { token })).status;
    t.equal(status, windowMode === "sliding" ? 429 : 200, windowMode);
    await sim.close();
  }
});

t.test("daily quota: 429 code 45 naming the quota", async (t) => {
  const sim = await startSim(t, { limits: { dailyQuota: 3 } });
  const token = await mintToken(sim);
  for (let i = 0; i < 3; i++) t.equal((await books(sim, "/bills", { token })).status, 200);
  const over = await books(sim, "/bills", { token });
  t.equal(over.status, 429);
  t.same(over.body, {
    code: 45,
    message: "The API call for this organization has exceeded the maximum call rate limit of 3.",
  });
  t.equal(over.headers.get("retry-after"), null);
  t.equal((await stats(sim)).rejected429["45"], 1);
});

t.test("X-Rate-Limit-* headers track the daily quota", async (t) => {
  const sim = await startSim(t, { limits: { dailyQuota: 50 } });
  const token = await mintToken(sim);
  const res = await books(sim, "/bills", { token });
  t.equal(res.headers.get("x-rate-limit-limit"), "50");
  t.equal(res.headers.get("x-rate-limit-remaining"), "49");
  t.ok(Number(res.headers.get("x-rate-limit-reset")) > 0);
  const quiet = await startSim(t, { rateLimitHeaders: false });
  const res2 = await books(quiet, "/bills", { token: await mintToken(quiet) });
  t.equal(res2.headers.get("x-rate-limit-limit"), null, "switchable off");
});

t.test("concurrency: more than maxConcurrent in flight is 429 code 1070; slots free when calls end", async (t) => {
  const sim = await startSim(t, { limits: { maxConcurrent: 3 } });
  const token = await mintToken(sim);
  await setFaults(sim, { slow: { delayMs: 300, path: "/contacts" } });
  const slow = Array.from({ length: 3 }, () => books(sim, "/contacts", { token }));
  await sleep(100);
  const rejected = await books(sim, "/bills", { token });
  t.equal(rejected.status, 429);
  t.same(rejected.body, {
    code: 1070,
    message: "You have reached the maximum number of in process requests allowed. Kindly try again after some time.",
  });
  t.equal(rejected.headers.get("retry-after"), null);
  t.same(
    (await Promise.all(slow)).map((r) => r.status),
    [200, 200, 200],
  );
  t.equal((await books(sim, "/bills", { token })).status, 200, "slots are released");
  const s = await stats(sim);
  t.equal(s.rejected429["1070"], 1);
  t.equal(s.concurrency.peak, 3);
  t.equal(s.concurrency.current, 0);
});

t.test("a dropped connection frees its in-flight slot", async (t) => {
  const sim = await startSim(t, { limits: { maxConcurrent: 1 } });
  const token = await mintToken(sim);
  await setFaults(sim, { drop: { when: "after", count: 1 } });
  await t.rejects(books(sim, "/bills", { token }));
  await sleep(20);
  t.equal((await books(sim, "/bills", { token })).status, 200);
  t.equal((await stats(sim)).concurrency.current, 0);
});

t.test("unknown Books paths answer Zoho's code 5", async (t) => {
  const sim = await startSim(t);
  const res = await books(sim, "/nothing-here", { token: await mintToken(sim) });
  t.equal(res.status, 404);
  t.same(res.body, { code: 5, message: "Invalid URL Passed" });
});
