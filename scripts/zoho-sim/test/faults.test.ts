import t from "tap";
import { ACME, billForm, books, mintToken, pdfBytes, setFaults, sleep, startSim, stats } from "./helper.ts";

t.test("429 storm: switched on, answers the chosen code without Retry-After, switched off", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  await setFaults(sim, { rate429: { code: 1070 } });
  for (let i = 0; i < 3; i++) {
    const res = await books(sim, "/bills", { token });
    t.equal(res.status, 429);
    t.equal(res.body.code, 1070);
    t.equal(res.headers.get("retry-after"), null);
  }
  await setFaults(sim, { rate429: null });
  t.equal((await books(sim, "/bills", { token })).status, 200, "off again");
  await setFaults(sim, { rate429: { durationMs: 150 } });
  t.equal((await books(sim, "/bills", { token })).body.code, 44, "default code 44");
  await sleep(170);
  t.equal((await books(sim, "/bills", { token })).status, 200, "a storm with durationMs ends by itself");
  const s = await stats(sim);
  t.equal(s.injected.rate429, 4);
  t.equal(s.rejected429["44"], 0, "injected 429s are not counted as limit rejections");
  t.equal(s.organizations["10234695"]!.accepted, 2, "and use no budget");
});

t.test("probability: roughly that share of requests is hit", async (t) => {
  const sim = await startSim(t, { limits: { perWindow: 10_000, maxConcurrent: 1000 } });
  const token = await mintToken(sim);
  await setFaults(sim, { rate429: { probability: 0.5 } });
  const statuses = await Promise.all(
    Array.from({ length: 200 }, async () => (await books(sim, "/contacts", { token })).status),
  );
  const hit = statuses.filter((s) => s === 429).length;
  t.ok(hit > 50 && hit < 150, `about half were hit (${hit}/200)`);
  const s = await stats(sim);
  t.equal(s.injected.rate429, hit, "every 429 was injected");
  t.equal(s.organizations["10234695"]!.accepted, 200 - hit);
});

t.test("5xx burst: count requests fail with 500 {code:1000}, then service resumes", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  await setFaults(sim, { error5xx: { count: 2 } });
  for (let i = 0; i < 2; i++) {
    const res = await books(sim, "/bills", { token });
    t.equal(res.status, 500);
    t.same(res.body, { code: 1000, message: "Internal error" });
  }
  t.equal((await books(sim, "/bills", { token })).status, 200);
  await setFaults(sim, { error5xx: { status: 503, method: "POST", count: 1 } });
  t.equal((await books(sim, "/bills", { token })).status, 200, "GET is not matched");
  t.equal((await books(sim, "/bills", { token, json: { vendor_id: ACME, bill_number: "X" } })).status, 503);
  t.equal((await stats(sim)).bills, 0, "a 5xx commits nothing");
});

t.test("slow answers: delayMs is added, and can be switched off", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  await setFaults(sim, { slow: { delayMs: 250 } });
  let start = Date.now();
  t.equal((await books(sim, "/contacts", { token })).status, 200);
  t.ok(Date.now() - start >= 240, "delayed");
  await setFaults(sim, { clear: true });
  start = Date.now();
  await books(sim, "/contacts", { token });
  t.ok(Date.now() - start < 200, "not delayed after clear");
});

t.test("dropped connection before the handler: nothing is created", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  await setFaults(sim, { drop: { when: "before", count: 1 } });
  await t.rejects(books(sim, "/bills", { token, json: { vendor_id: ACME, bill_number: "D-1" } }));
  t.equal((await stats(sim)).bills, 0);
  t.equal((await books(sim, "/bills", { token, json: { vendor_id: ACME, bill_number: "D-1" } })).status, 201);
});

t.test("dropped connection after commit: the client sees an error but the bill (and file) exist", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  await setFaults(sim, { drop: { when: "after", method: "POST", path: "/bills", count: 1 } });
  const form = billForm({ vendor_id: ACME, bill_number: "D-2" }, { name: "d2.pdf", bytes: pdfBytes(500) });
  await t.rejects(books(sim, "/bills", { token, body: form }), "the answer never arrives");
  const s = await stats(sim);
  t.equal(s.bills, 1, "the create committed");
  t.equal(s.injected.dropAfter, 1);
  t.equal(Object.values(s.attachments)[0]!.length, 1, "with its attachment");
  // The retry a careful client makes: look the bill up before creating it again.
  const found = await books(sim, "/bills", { token, query: { vendor_id: ACME, bill_number: "D-2" } });
  t.match(found.body.bills, [{ bill_number: "D-2", has_attachment: true }]);
  const retry = await books(sim, "/bills", { token, json: { vendor_id: ACME, bill_number: "D-2" } });
  t.equal(retry.body.code, 13011, "a blind retry is a duplicate");
});

t.test(
  "a drop-before storm and an armed drop-after are separate: the storm does not disarm the write drop",
  async (t) => {
    const sim = await startSim(t);
    const token = await mintToken(sim);
    await setFaults(sim, { drop: { when: "after", method: "POST", path: "/bills", count: 1 } });
    await setFaults(sim, { drop: { when: "before", method: "GET", path: "/contacts", count: 1 } });
    const faults = (await (await fetch(`${sim.url}/__sim/faults`)).json()) as { faults: Record<string, unknown> };
    t.match(faults.faults, { dropBefore: { when: "before" }, dropAfter: { when: "after" } }, "both are armed");
    await t.rejects(books(sim, "/contacts", { token }), "the storm drops the lookup");
    await t.rejects(
      books(sim, "/bills", { token, json: { vendor_id: ACME, bill_number: "D-3" } }),
      "the write drop fires",
    );
    const s = await stats(sim);
    t.equal(s.injected.dropBefore, 1);
    t.equal(s.injected.dropAfter, 1);
    t.equal(s.bills, 1, "the create committed before its connection dropped");
    await setFaults(sim, { drop: { when: "after", count: 5 } });
    await setFaults(sim, { drop: null });
    t.equal(
      (await books(sim, "/bills", { token, json: { vendor_id: ACME, bill_number: "D-4" } })).status,
      201,
      "drop: null switches both off",
    );
  },
);

t.test("revoking access tokens: calls answer 401 until a new token is minted", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const res = await setFaults(sim, { revokeAccessTokens: true });
  t.equal(res.revokedAccessTokens, 1);
  t.equal((await books(sim, "/bills", { token })).status, 401);
  t.equal((await books(sim, "/bills", { token: await mintToken(sim) })).status, 200);
});

t.test("limit overrides at run time", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const res = await setFaults(sim, { limits: { perWindow: 2, windowMs: 1000 } });
  t.match(res.limits, { perWindow: 2, windowMs: 1000, dailyQuota: 1000 });
  await books(sim, "/bills", { token });
  await books(sim, "/bills", { token });
  t.equal((await books(sim, "/bills", { token })).body.code, 44);
});

t.test("faults from options, bad fault bodies, and reset", async (t) => {
  const sim = await startSim(t, { faults: { error5xx: { count: 1 } } });
  const token = await mintToken(sim);
  t.equal((await books(sim, "/bills", { token })).status, 500, "active from construction");
  const bad = await fetch(`${sim.url}/__sim/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ rate429: { code: 99 }, typo: true }),
  });
  t.equal(bad.status, 400);
  const body = (await bad.json()) as { error: string[] };
  t.ok(body.error.length >= 2, "every problem is named");
  const badLimit = await fetch(`${sim.url}/__sim/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ limits: { perWindow: 0 } }),
  });
  t.equal(badLimit.status, 400);

  await books(sim, "/bills", { token, json: { vendor_id: ACME, bill_number: "R-1" } });
  await setFaults(sim, { slow: { delayMs: 1000 }, limits: { perWindow: 1 } });
  const reset = await fetch(`${sim.url}/__sim/reset`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ keepTokens: true }),
  });
  t.equal(reset.status, 200);
  const s = await stats(sim);
  t.equal(s.bills, 0);
  t.equal(s.requests, 0);
  t.equal(s.limits.perWindow, 100);
  t.equal(s.faults.slow, null);
  t.not(s.faults.error5xx, null, "the construction fault is armed again");
  t.equal((await books(sim, "/bills", { token })).status, 500, "construction faults are re-armed on reset");
  t.equal((await books(sim, "/bills", { token })).status, 200, "keepTokens kept the access token");
  await fetch(`${sim.url}/__sim/reset`, { method: "POST" });
  t.equal((await books(sim, "/bills", { token })).status, 401, "a full reset forgets tokens");
});
