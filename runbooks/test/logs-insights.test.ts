/**
 * Every CloudWatch Logs Insights query in the runbooks names only fields the services really log.
 * The fields come from real log lines: the ingest service serving requests through app.inject
 * (the same app and logger as production), and the worker delivering one bill and failing one
 * against the Zoho simulator (consumer/src/deps.ts and handler.ts with a capturing logger).
 * A block is fenced ```logs-insights service or ```logs-insights worker.
 */
import { Writable } from "node:stream";
import t, { type Test } from "tap";
import { buildDeps } from "../../consumer/src/deps.ts";
import { handleBill } from "../../consumer/src/handler.ts";
import { receiveOne, seedBill, setupConsumerEnv } from "../../consumer/test/helper.ts";
import { loadWorkerConfig } from "../../lib/config.ts";
import { createLogger } from "../../lib/logger.ts";
import { billBody, build, pdf, post } from "../../service/test/helper.ts";
import { allBlocks } from "./markdown.ts";

/** Fields CloudWatch adds to every event. */
const BUILT_IN = ["@timestamp", "@message", "@logStream", "@log", "@ingestionTime"];
const KEYWORDS = new Set(
  `fields filter stats sort limit parse display dedup by as and or not like in desc asc count count_distinct
   avg sum min max pct stddev bin ispresent isempty isblank earliest latest sortsFirst sortsLast abs ceil floor
   strlen toupper tolower concat trim ltrim rtrim substr replace strcontains datefloor dateceil fromMillis toMillis`
    .split(/\s+/)
    .filter(Boolean),
);

/** The field names a query reads: identifiers minus keywords, functions, literals and its own aliases. */
export function queryFields(query: string): string[] {
  const aliases = new Set([...query.matchAll(/\bas\s+([A-Za-z_][\w.]*)/g)].map((m) => m[1] ?? ""));
  const stripped = query
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, " ")
    .replace(/(\blike\s+|=~\s*)\/(?:[^/\\\n]|\\.)*\//g, " ")
    .replace(/\b\d+(\.\d+)?[a-z]*\b/g, " ");
  const names = [...stripped.matchAll(/[@A-Za-z_][\w.@]*/g)].map((m) => m[0]);
  return [...new Set(names.filter((n) => !KEYWORDS.has(n) && !aliases.has(n)))];
}

/** Every key path in a JSON log line: err, err.message, ... */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...keyPaths(v, path)];
  });
}

function fieldsOf(lines: readonly string[]): Set<string> {
  return new Set([...BUILT_IN, ...lines.flatMap((l) => keyPaths(JSON.parse(l)))]);
}

async function serviceLines(t: Test): Promise<string[]> {
  const { app, logs } = await build(t, {}, { captureLogs: true });
  const accepted = await post(app, billBody(pdf(2048)));
  t.equal(accepted.statusCode, 202);
  const { transactionId } = accepted.json();
  await app.inject({ method: "GET", url: `/api/v1/transactions/${transactionId}`, headers: { "x-api-key": "nope" } });
  await post(app, { ...billBody(pdf(1024)), base64Data: "%%%" });
  await app.inject({ method: "GET", url: "/health/live" });
  await app.inject({ method: "GET", url: "/no/such/route" });
  // A 500: the database goes away under the service, as in an outage.
  await app.db.end();
  const failed = await app.inject({
    method: "GET",
    url: `/api/v1/transactions/${transactionId}`,
    headers: { "x-api-key": "test-key-0123456789abcdef0123456789abcdef" },
  });
  t.equal(failed.statusCode, 500, "an internal error is logged too");
  return logs;
}

async function workerLines(t: Test): Promise<string[]> {
  const e = await setupConsumerEnv(t);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      cb();
    },
  });
  const config = loadWorkerConfig(e.env);
  const deps = await buildDeps(config, createLogger({ ...config, LOG_LEVEL: "trace" }, "bill-worker", sink));
  t.teardown(() => deps.close());
  await seedBill(e);
  await seedBill(e, { bill: { details: { vendorId: "999999999", billNumber: "NO-SUCH-VENDOR" } } });
  for (let i = 0; i < 2; i++) {
    const m = await receiveOne(e);
    if (m) await handleBill(m.inbound, deps);
  }
  return lines;
}

const queries = (await allBlocks()).filter((b) => b.lang === "logs-insights");

t.test("runbook Logs Insights queries name only fields the services log", async (t) => {
  t.ok(queries.length >= 10, `${queries.length} queries`);
  const known = {
    service: fieldsOf(await serviceLines(t)),
    worker: fieldsOf(await workerLines(t)),
  };
  t.ok(known.service.has("statusCode") && known.service.has("err.message"), "service lines captured");
  t.ok(known.worker.has("transactionId") && known.worker.has("zohoOperation"), "worker lines captured");
  for (const q of queries) {
    const source = q.info as keyof typeof known;
    t.ok(source in known, `${q.file}:${q.line} says which log group (service or worker)`);
    const unknown = queryFields(q.body).filter((f) => !known[source]?.has(f));
    t.same(unknown, [], `${q.file}:${q.line} (${source}) uses only logged fields`);
  }
});

t.test("the field extraction itself", async (t) => {
  t.same(
    queryFields(
      'fields @timestamp, err.message\n| filter statusCode >= 500 and msg like /a|b/ and level = "error"\n| stats count(*) as n by bin(5m), url\n| sort n desc',
    ).sort(),
    ["@timestamp", "err.message", "level", "msg", "statusCode", "url"],
  );
  t.same(queryFields("fields nosuchfield | limit 5"), ["nosuchfield"], "an unknown field is reported");
});
