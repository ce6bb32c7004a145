/** `bill-mw-ops mappings`: set, list, delete through lib/mappings, refusing bad input before any change. */
import t from "tap";
import { loadOpsConfig } from "../../../lib/config.ts";
import { listMappings, lookupMappings } from "../../../lib/mappings/mappings.ts";
import { listOperatorActions } from "../../../lib/operations/operator-actions.ts";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import { openContext } from "../cli.ts";
import { mappingsCommand } from "../mappings.ts";

const env = await setupTestEnv(t);
const ctx = await openContext(loadOpsConfig(env.env));
t.teardown(() => ctx.close());

const run = async (...argv: string[]) => {
  const lines: string[] = [];
  const code = await mappingsCommand(ctx, argv, (l) => lines.push(l));
  return { code, text: lines.join("\n") };
};

t.test("set, list and delete a mapping, each recorded with who and why", async (t) => {
  const set = await run(
    "set",
    "account",
    "58",
    "460000000000900",
    "--name",
    "Office Supplies",
    "--reason",
    "new GL",
    "--by",
    "bob",
  );
  t.same(set, { code: 0, text: "account 58 -> 460000000000900" });
  t.same(await lookupMappings(ctx.db, "account", ["58", "59"]), new Map([["58", "460000000000900"]]));
  const list = await run("list", "--kind", "account");
  t.match(list.text, /account\s+58\s+460000000000900\s+Office Supplies\s+operator\s+bob/);
  const json = JSON.parse((await run("list", "--json")).text);
  t.match(json, [{ kind: "account", netsuite_key: "58", zoho_id: "460000000000900" }]);

  t.same(await run("delete", "account", "58", "--reason", "merged", "--by", "bob"), {
    code: 0,
    text: "deleted account 58 (was 460000000000900)",
  });
  t.same(await listMappings(ctx.db), []);
  const actions = await listOperatorActions(ctx.db);
  t.same(
    actions.map((a) => [a.action, a.actor, a.reason, a.channel]),
    [
      ["mapping-delete", "bob", "merged", "cli"],
      ["mapping-set", "bob", "new GL", "cli"],
    ],
  );
});

t.test("bad input is refused and changes nothing", async (t) => {
  await t.rejects(run("set", "account", "58", "460000000000900"), /--reason is required/);
  await t.rejects(run("set", "colour", "58", "1", "--reason", "x"), /kind is one of vendor, account/);
  await t.rejects(run("set", "account", "58", "abc", "--reason", "x"), /a Zoho id is a numeric string/);
  await t.rejects(run("set", "currency", "euro", "1", "--reason", "x"), /ISO 4217 code/);
  await t.rejects(run("delete", "account", "404", "--reason", "x"), /no account mapping for 404/);
  await t.rejects(run("frobnicate"), /usage: mappings/);
  t.same(await listMappings(ctx.db), []);
});
