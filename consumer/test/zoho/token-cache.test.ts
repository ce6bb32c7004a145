import t from "tap";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";
import { TokenRefreshError } from "../../src/zoho/errors.ts";
import type { CallContext } from "../../src/zoho/types.ts";
import { setFaults, setupConsumerEnv, simStats, testDeps } from "../helper.ts";

const e = await setupConsumerEnv(t);
// Four "workers": separate connections, caches and clients over one Redis prefix and database.
const fleet = await Promise.all(Array.from({ length: 4 }, () => testDeps(t, e)));
const ctx = (): CallContext => ({
  transactionId: null,
  deadline: Date.now() + 10_000,
  log: fleet[0]!.log,
  calls: 0,
});

t.test("the refresh token is stored encrypted with pgcrypto", async (t) => {
  const row = await e.db.one(sql.type(z.object({ enc: z.string() }))`
    SELECT encode(refresh_token_enc, 'escape') AS enc FROM zoho_tokens`);
  t.notMatch(row.enc, /sim-refresh-token/, "ciphertext only");
  const wrongKey = await e.db
    .oneFirst(
      sql.type(
        z.object({ t: z.string() }),
      )`SELECT pgp_sym_decrypt(refresh_token_enc, 'wrong-key-wrong-key-wrong-key-00') AS t FROM zoho_tokens`,
    )
    .catch((err: unknown) => err);
  t.type(wrongKey, Error, "another key cannot read it");
});

t.test("a cold cache is filled by exactly one refresh for the whole fleet", async (t) => {
  const before = simStats(e).tokens.mints;
  const tokens = await Promise.all(fleet.flatMap((d) => [d.tokens.get(), d.tokens.get(), d.tokens.get()]));
  t.equal(new Set(tokens).size, 1, "everyone got the same token");
  t.equal(simStats(e).tokens.mints - before, 1, "one mint at the accounts server");
});

t.test("a token Zoho revokes is refreshed once for the fleet after the 401s", async (t) => {
  const before = simStats(e).tokens.mints;
  await setFaults(e, { revokeAccessTokens: true });
  const results = await Promise.all(fleet.map((d) => d.zoho.listBills({ bill_number: "none" }, ctx())));
  t.same(results, [[], [], [], []], "every worker's call succeeded after the refresh");
  t.equal(simStats(e).tokens.mints - before, 1, "one refresh, not four");
  t.ok(simStats(e).unauthorized >= 1, "the simulator answered 401");
});

t.test("a revoked refresh token fails clearly, and the fleet backs off instead of hammering Zoho", async (t) => {
  await setFaults(e, { revokeRefreshTokens: true });
  await fleet[0]!.redis.del("zoho:10234695:token:access");
  const before = simStats(e).tokens.invalidCode;
  const errors = await Promise.all(fleet.map((d) => d.tokens.get().catch((err: unknown) => err)));
  for (const err of errors) t.type(err, TokenRefreshError);
  t.match((errors[0] as TokenRefreshError).message, /invalid_code/);
  t.equal(simStats(e).tokens.invalidCode - before, 1, "one refused refresh, then the back-off holds the others");
  const row = await e.db.one(sql.type(z.object({ last_refresh_error: z.string().nullable() }))`
    SELECT last_refresh_error FROM zoho_tokens`);
  t.equal(row.last_refresh_error, "invalid_code");
  await setFaults(e, { restoreRefreshTokens: true });
  await new Promise((r) => setTimeout(r, 1100)); // ZOHO_TOKEN_FAILURE_BACKOFF_MS in tests
  t.ok(await fleet[1]!.tokens.get(), "works again once the token is restored");
});
