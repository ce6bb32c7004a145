/**
 * /admin/v1/errors through the real app: list, show, retry with a fix, resolve, with the same
 * behaviour as the CLI (lib/operations/), and an operator action naming the person and the admin key.
 */
import { randomUUID } from "node:crypto";
import t from "tap";
import { seedBill, seedZohoCall } from "../../../../lib/testing/seed.ts";
import { build, receiveAll } from "../../helper.ts";
import { ADMIN_API_KEYS, adminHeaders as headers } from "./keys.ts";

t.test("failed bills: list, show, retry with a fix, resolve, operator actions", async (t) => {
  const { app, env } = await build(t, { ADMIN_API_KEYS });
  const failed = await seedBill(app.db, { bill: { details: { billNumber: "B-9", vendorId: "1" } } });
  await seedZohoCall(app.db, failed, { statusCode: 400, zohoCode: 1002, message: "Vendor does not exist." });
  const other = await seedBill(app.db);

  const list = await app.inject({ method: "GET", url: "/admin/v1/errors?state=open", headers });
  t.equal(list.statusCode, 200);
  const item = list.json().items.find((i: { transactionId: string }) => i.transactionId === failed);
  t.match(item, { status: "failed", zoho: { statusCode: 400, code: 1002, message: "Vendor does not exist." } });

  const show = await app.inject({ method: "GET", url: `/admin/v1/errors/${failed}`, headers });
  t.equal(show.json().zohoCalls.length, 1);
  t.equal((await app.inject({ method: "GET", url: "/admin/v1/errors/not-a-uuid", headers })).statusCode, 400);
  const unknown = await app.inject({ method: "GET", url: `/admin/v1/errors/${randomUUID()}`, headers });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().code, "ERR_NOT_FOUND");

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

  const actions = await app.inject({
    method: "GET",
    url: `/admin/v1/operator-actions?transactionId=${failed}`,
    headers,
  });
  t.match(actions.json().items, [
    {
      action: "retry",
      actor: "ops-oncall", // the admin key's name, not the body's "alice" (kept as statedOperator)
      channel: "admin-api",
      reason: "vendor created in Zoho",
      details: {
        context: { adminKey: "ops-oncall", statedOperator: "alice" },
        billAfter: { details: { vendorId: "2" } },
      },
    },
  ]);
});
