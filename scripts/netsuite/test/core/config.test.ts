import t from "tap";
import { ConfigError, DEFAULTS, MAP_REDUCE_PARAMETER_PREFIX as P, readConfig } from "../../ts/core/config.ts";
import { billFieldValues, MAX_ERROR_LENGTH } from "../../ts/core/outcome.ts";
import { createFakeNetSuite } from "../fakes/n-modules.ts";

const read = (parameters: Record<string, string | number>) =>
  readConfig(createFakeNetSuite({ parameters }).n.runtime, P);

t.test("defaults: 10 MiB, 3 attempts, the default API Secret, unsigned", async (t) => {
  t.same(read({ [`${P}base_url`]: "https://bills.example.com/" }), {
    baseUrl: "https://bills.example.com",
    apiKeySecretId: DEFAULTS.apiKeySecretId,
    signingSecretId: null,
    maxFileBytes: 10_485_760,
    maxAttempts: 3,
    backoffMs: 1000,
    maxBackoffMs: 8000,
  });
});

t.test("every setting is read from its parameter", async (t) => {
  const config = read({
    [`${P}base_url`]: "https://x.example.com",
    [`${P}api_key_secret`]: "custsecret_other_key",
    [`${P}signing_secret`]: "custsecret_mw_signing",
    [`${P}max_file_bytes`]: 5_000_000,
    [`${P}max_attempts`]: "5",
    [`${P}backoff_ms`]: 250,
    [`${P}max_backoff_ms`]: 4000,
  });
  t.match(config, {
    apiKeySecretId: "custsecret_other_key",
    signingSecretId: "custsecret_mw_signing",
    maxFileBytes: 5_000_000,
    maxAttempts: 5,
    backoffMs: 250,
    maxBackoffMs: 4000,
  });
});

t.test("bad settings name the parameter", async (t) => {
  const base = { [`${P}base_url`]: "https://x.example.com" };
  t.throws(() => read({}), new ConfigError("script parameter custscript_mw_mr_base_url must be an https:// URL"));
  t.throws(() => read({ [`${P}base_url`]: "http://x.example.com" }), ConfigError);
  t.throws(
    () => read({ ...base, [`${P}max_file_bytes`]: 20_000_000 }),
    /max_file_bytes must be an integer from 1 to 10485760/,
  );
  t.throws(() => read({ ...base, [`${P}max_attempts`]: "lots" }), /max_attempts/);
  t.throws(() => read({ ...base, [`${P}api_key_secret`]: "my-actual-key" }), /API Secret id/, "a key value is refused");
});

t.test("bill field values: errors cleared on success, long errors truncated", async (t) => {
  t.same(billFieldValues({ billId: "1", status: "SENT", message: "ok", transactionId: "tx", attempts: 1 }), {
    custbody_mw_status: "SENT",
    custbody_mw_error: "",
    custbody_mw_txn_id: "tx",
  });
  const long = billFieldValues({ billId: "1", status: "REJECTED", message: "x".repeat(5000), attempts: 1 });
  t.equal(long.custbody_mw_error?.length, MAX_ERROR_LENGTH);
  t.notOk("custbody_mw_txn_id" in long, "an existing transaction id is not blanked");
});
