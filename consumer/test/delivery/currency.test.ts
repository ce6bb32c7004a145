/** Currency codes -> Zoho currency_id: looked up once with GET /settings/currencies, cached for the fleet. */
import t from "tap";
import { lookupMappings, upsertMapping } from "../../../lib/mappings/mappings.ts";
import { resolveCurrencyId } from "../../src/delivery/currency.ts";
import { PermanentDeliveryError } from "../../src/errors.ts";
import type { CallContext } from "../../src/zoho/types.ts";
import { setupConsumerEnv, simStats, testDeps } from "../helper.ts";

const e = await setupConsumerEnv(t);
const deps = await testDeps(t, e);
const ctx = (): CallContext => ({ transactionId: null, deadline: Date.now() + 10_000, log: deps.log, calls: 0 });
const currencyCalls = () => simStats(e).byRoute["GET /books/v3/settings/currencies"] ?? 0;

t.test("the first lookup asks Zoho and caches every currency; later ones ask nobody", async (t) => {
  t.equal(await resolveCurrencyId("EUR", deps, ctx()), "460000000000100");
  t.equal(currencyCalls(), 1);
  t.same(
    await lookupMappings(deps.db, "currency", ["USD", "GBP", "JPY"]),
    new Map([
      ["USD", "460000000000099"],
      ["GBP", "460000000000101"],
      ["JPY", "460000000000102"],
    ]),
  );
  t.equal(await resolveCurrencyId("GBP", deps, ctx()), "460000000000101");
  t.equal(currencyCalls(), 1, "served from the cache");
});

t.test("a currency the organization has not enabled fails permanently, naming it and what is enabled", async (t) => {
  const err = await resolveCurrencyId("CHF", deps, ctx()).catch((x: unknown) => x);
  t.type(err, PermanentDeliveryError);
  t.match(
    (err as Error).message,
    "unmapped currency CHF: the Zoho Books organization has not enabled it (enabled: USD, EUR, GBP, JPY)",
  );
});

t.test("an operator's pinned currency wins over Zoho's list", async (t) => {
  await upsertMapping(
    deps.db,
    { kind: "currency", netsuiteKey: "CHF", zohoId: "460000000000555" },
    {
      actor: "dana",
      reason: "enabled in Zoho today",
      channel: "cli",
    },
  );
  t.equal(await resolveCurrencyId("CHF", deps, ctx()), "460000000000555");
});
