import { createHash } from "node:crypto";
import t from "tap";
import { ApiKeyStore, parseApiKeys } from "../../src/auth/api-keys.ts";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

t.test("keys are stored hashed and looked up among several", async (t) => {
  const store = new ApiKeyStore(
    parseApiKeys(
      JSON.stringify([
        { name: "old", sha256: sha("key-old") },
        { name: "new", sha256: sha("key-new") },
      ]),
    ),
  );
  t.equal(store.find("key-old")?.name, "old");
  t.equal(store.find("key-new")?.name, "new");
  t.equal(store.find("key-other"), undefined);
  t.equal(store.find(undefined), undefined);
  t.equal(store.find("x".repeat(10_000)), undefined);
  store.replace(parseApiKeys(JSON.stringify([{ name: "new", sha256: sha("key-new") }])));
  t.equal(store.find("key-old"), undefined, "a rotated-out key stops working");
});

t.test("bad key configuration fails without echoing values", async (t) => {
  t.throws(() => parseApiKeys("not json"), /not valid JSON/);
  const err = t.throws(() => parseApiKeys(JSON.stringify([{ name: "a", sha256: "plaintext-key-value" }]))) as Error;
  t.notMatch(err.message, /plaintext-key-value/);
  t.throws(
    () =>
      parseApiKeys(
        JSON.stringify([
          { name: "a", sha256: sha("1") },
          { name: "a", sha256: sha("2") },
        ]),
      ),
    /duplicate/,
  );
  t.throws(() => parseApiKeys(JSON.stringify([{ name: "a", sha256: sha("1"), hmacSecrets: ["nope"] }])), /whsec_/);
});
