import t from "tap";
import { ConfigError } from "../../../lib/config.ts";
import { booksUrlOf, DATA_CENTERS, resolveZohoHosts } from "../../src/zoho/data-centers.ts";
import { setupConsumerEnv, spawnWorker } from "../helper.ts";

t.test("one data centre setting gives both hosts", async (t) => {
  t.same(resolveZohoHosts({ ZOHO_DATA_CENTER: "eu" }), {
    accountsUrl: "https://accounts.zoho.eu",
    apiUrl: "https://www.zohoapis.eu/books/v3",
  });
  t.same(resolveZohoHosts({ ZOHO_DATA_CENTER: "in" }).apiUrl, "https://www.zohoapis.in/books/v3");
  t.same(Object.keys(DATA_CENTERS), ["us", "eu", "in", "au", "jp", "ca", "sa", "cn"]);
});

t.test("explicit hosts of the same data centre are accepted as written", async (t) => {
  const hosts = resolveZohoHosts({
    ZOHO_DATA_CENTER: "au",
    ZOHO_ACCOUNTS_URL: "https://accounts.zoho.com.au",
    ZOHO_API_URL: "https://www.zohoapis.com.au/books/v3",
  });
  t.equal(hosts.apiUrl, "https://www.zohoapis.com.au/books/v3");
});

t.test("start-up fails naming each host that contradicts the data centre", async (t) => {
  const err = t.throws(() =>
    resolveZohoHosts({
      ZOHO_DATA_CENTER: "eu",
      ZOHO_ACCOUNTS_URL: "https://accounts.zoho.com",
      ZOHO_API_URL: "https://www.zohoapis.com/books/v3",
    }),
  ) as ConfigError;
  t.ok(err instanceof ConfigError);
  t.same(err.variables, ["ZOHO_ACCOUNTS_URL", "ZOHO_API_URL"]);
  t.match(
    err.message,
    /ZOHO_API_URL: https:\/\/www\.zohoapis\.com is not the API host of ZOHO_DATA_CENTER=eu \(https:\/\/www\.zohoapis\.eu\)/,
  );
});

t.test("without a data centre: explicit hosts, else US accounts and the API host from the token", async (t) => {
  t.same(resolveZohoHosts({ ZOHO_ACCOUNTS_URL: "http://127.0.0.1:5", ZOHO_API_URL: "http://127.0.0.1:5/books/v3" }), {
    accountsUrl: "http://127.0.0.1:5",
    apiUrl: "http://127.0.0.1:5/books/v3",
  });
  t.same(resolveZohoHosts({}), { accountsUrl: "https://accounts.zoho.com", apiUrl: null });
  t.equal(booksUrlOf("https://www.zohoapis.eu"), "https://www.zohoapis.eu/books/v3");
});

t.test("the worker refuses to start when its hosts contradict ZOHO_DATA_CENTER, and says why", async (t) => {
  const e = await setupConsumerEnv(t);
  const worker = spawnWorker(t, e, { ZOHO_DATA_CENTER: "eu" });
  const code = await worker.stop("SIGCONT");
  t.equal(code, 1, "exit code 1");
  t.match(
    worker.output(),
    /Invalid configuration:\n {2}- ZOHO_ACCOUNTS_URL: http:\/\/127\.0\.0\.1:\d+ is not the accounts host of ZOHO_DATA_CENTER=eu/,
  );
  t.match(worker.output(), /- ZOHO_API_URL: .* is not the API host of ZOHO_DATA_CENTER=eu/);
  t.notMatch(worker.output(), /worker started/);
});
