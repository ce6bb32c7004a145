/**
 * /admin/v1 error management through the real app: its own key set, the same behaviour as the
 * CLI (lib/operations.ts), and an audit row naming the person and the admin key.
 */
import { createHash } from "node:crypto";
import t from "tap";
import { seedBill, seedZohoCall } from "../../../lib/testing/seed.ts";
import { API_KEY, build, receiveAll } from "../helper.ts";

const ADMIN_KEY = "admin-key-0123456789abcdef0123456789abcdef";
const ADMIN_API_KEYS = JSON.stringify([
  { name: "ops-oncall", sha256: createHash("sha256").update(ADMIN_KEY).digest("hex") },
]);
const headers = { "x-admin-key": ADMIN_KEY };

t.test("without ADMIN_API_KEYS the admin routes do not exist", async (t) => {
  const { app } = await build(t);
  const res = await app.inject({ method: "GET", url: "/admin/v1/errors", headers });
  t.equal(res.statusCode, 404);
});

t.test("admin API: auth, list, show, retry with a fix, resolve, audit", async (t) => {
  const { app, env } = await build(t, { ADMIN_API_KEYS });
  const failed = await seedBill(app.db, { bill: { details: { billNumber: "B-9", vendorId: "1" } } });
  await seedZohoCall(app.db, failed, { statusCode: 400, zohoCode: 1002, message: "Vendor does not exist." });
  const other = await seedBill(app.db);

  t.equal((await app.inject({ method: "GET", url: "/admin/v1/errors" })).statusCode, 401, "no key");
  t.equal(
    (await app.inject({ method: "GET", url: "/admin/v1/errors", headers: { "x-api-key": API_KEY } })).statusCode,
    401,
    "a NetSuite key is not an admin key",
  );
  t.equal(
    (await app.inject({ method: "GET", url: "/admin/v1/errors", headers: { "x-admin-key": API_KEY } })).statusCode,
    401,
  );

  const list = await app.inject({ method: "GET", url: "/admin/v1/errors?state=open", headers });
  t.equal(list.statusCode, 200);
  const item = list.json().items.find((i: { transactionId: string }) => i.transactionId === failed);
  t.match(item, { status: "failed", zoho: { statusCode: 400, code: 1002, message: "Vendor does not exist." } });

  const show = await app.inject({ method: "GET", url: `/admin/v1/errors/${failed}`, headers });
  t.equal(show.json().zohoCalls.length, 1);
  t.equal((await app.inject({ method: "GET", url: "/admin/v1/errors/not-a-uuid", headers })).statusCode, 400);

  const noReason = await app.inject({
    method: "POST",
    url: "/admin/v1/errors/retry",
    headers,
    payload: { ids: [failed], operator: "alice", reason: "   " },
  });
  t.equal(noReason.statusCode, 400, "a blank reason is refused");

  const retry = await app.inject({
    method: "POST",
    url: "/admin/v1/errors/retry",
    headers,
    payload: {
      ids: [failed],
      operator: "alice",
      reason: "vendor created in Zoho",
      fix: { details: { vendorId: "2" } },
    },
  });
  t.equal(retry.statusCode, 200);
  t.match(retry.json(), { requeued: [{ id: failed }], skipped: [] });
  t.same(
    (await receiveAll(env)).map((m) => m.transactionId),
    [failed],
    "a fresh message is on the queue",
  );

  const fixTwo = await app.inject({
    method: "POST",
    url: "/admin/v1/errors/retry",
    headers,
    payload: { ids: [failed, other], operator: "alice", reason: "x", fix: {} },
  });
  t.equal(fixTwo.statusCode, 400);
  t.equal(fixTwo.json().code, "ERR_FIX_NEEDS_ONE");

  const resolve = await app.inject({
    method: "POST",
    url: "/admin/v1/errors/resolve",
    headers,
    payload: { ids: [other], operator: "bob", reason: "duplicate of NS-1" },
  });
  t.match(resolve.json(), { resolved: [other], skipped: [] });

  const audit = await app.inject({ method: "GET", url: `/admin/v1/operator-actions?transactionId=${failed}`, headers });
  t.match(audit.json().items, [
    {
      action: "retry",
      actor: "alice",
      channel: "admin-api",
      reason: "vendor created in Zoho",
      details: { context: { adminKey: "ops-oncall" }, billAfter: { details: { vendorId: "2" } } },
    },
  ]);
  const dlq = await app.inject({ method: "GET", url: "/admin/v1/dlq?max=5", headers });
  t.same(dlq.json(), { items: [] });
});

t.test("the admin API stays out of the public OpenAPI document", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  const doc = (await app.inject({ method: "GET", url: "/docs/json" })).json();
  t.ok(
    Object.keys(doc.paths).some((p) => p.startsWith("/api/v1/")),
    "the public routes are documented",
  );
  t.notOk(
    Object.keys(doc.paths).some((p) => p.startsWith("/admin/")),
    "no /admin path",
  );
});
