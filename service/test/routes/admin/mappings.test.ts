/**
 * /admin/v1/mappings through the real app: set, list, replace, delete, with the same rules as the CLI
 * (lib/mappings) and an operator action naming the admin key for every change.
 */
import t from "tap";
import { build } from "../../helper.ts";
import { ADMIN_API_KEYS, adminHeaders as headers } from "./keys.ts";

t.test("mappings: set, list, replace, delete, refuse bad input, record who and why", async (t) => {
  const { app } = await build(t, { ADMIN_API_KEYS });
  const put = (key: string, payload: Record<string, unknown>, kind = "account") =>
    app.inject({ method: "PUT", url: `/admin/v1/mappings/${kind}/${encodeURIComponent(key)}`, headers, payload });
  const who = { operator: "alice", reason: "chart of accounts 2026" };

  const set = await put("58", { zohoId: "460000000000900", netsuiteName: "Office Supplies", ...who });
  t.equal(set.statusCode, 200, set.body);
  t.match(set.json().item, { kind: "account", netsuiteKey: "58", zohoId: "460000000000900", source: "operator" });
  await put("Acme Supplies", { zohoId: "460000000000101", ...who }, "vendor");

  const list = await app.inject({ method: "GET", url: "/admin/v1/mappings", headers });
  t.same(
    list.json().items.map((m: { kind: string; netsuiteKey: string }) => `${m.kind}:${m.netsuiteKey}`),
    ["account:58", "vendor:Acme Supplies"],
  );
  const accounts = await app.inject({ method: "GET", url: "/admin/v1/mappings?kind=vendor", headers });
  t.equal(accounts.json().items.length, 1);

  const replaced = await put("58", { zohoId: "460000000000901", ...who });
  t.match(replaced.json().item, { zohoId: "460000000000901", netsuiteName: "Office Supplies" }, "name kept");

  t.equal((await put("59", { zohoId: "not-a-number", ...who })).statusCode, 400, "Zoho ids are numeric");
  t.equal((await put("59", { zohoId: "1", ...who }, "colour")).statusCode, 400, "unknown kind");
  t.equal((await put("euro", { zohoId: "1", ...who }, "currency")).statusCode, 400, "currency keys are ISO codes");
  t.equal((await put("59", { zohoId: "1", operator: "alice", reason: " " })).statusCode, 400, "reason required");
  const unauth = await app.inject({ method: "GET", url: "/admin/v1/mappings" });
  t.equal(unauth.statusCode, 401, "admin key required");

  const del = (key: string) =>
    app.inject({ method: "DELETE", url: `/admin/v1/mappings/account/${key}?operator=alice&reason=retired`, headers });
  t.equal((await del("58")).statusCode, 200);
  t.equal((await del("58")).statusCode, 404, "already gone");

  const actions = await app.inject({ method: "GET", url: "/admin/v1/operator-actions", headers });
  const mine = actions.json().items.filter((a: { action: string }) => a.action.startsWith("mapping-"));
  t.same(
    mine.map((a: { action: string }) => a.action),
    ["mapping-delete", "mapping-set", "mapping-set", "mapping-set"],
  );
  t.match(mine[1], {
    channel: "admin-api",
    reason: "chart of accounts 2026",
    details: { previousZohoId: "460000000000900" },
  });
});
