/**
 * The k6 scripts without k6 (no binary here): type-checked against @types/k6 with no Node types,
 * held to the syntax k6's runtime takes, limited to imports k6 can resolve, and then bundled
 * against fake k6 modules (./fake-k6/) and run in Node: options, setup, a delivery probe end to
 * end against a scripted service, and handleSummary.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build, type Plugin, transform } from "esbuild";
import t from "tap";
import type { FakeK6, FakeRequest, FakeResponse } from "./fake-k6/state.ts";

const run = promisify(execFile);
const LOADTEST = fileURLToPath(new URL("../../", import.meta.url));
const ROOT = join(LOADTEST, "..");
const SCRIPTS = ["smoke", "baseline", "spike-10x", "soak", "burst-5000"];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(dir, f));
}
const k6Files = tsFiles(join(LOADTEST, "k6"));
const sharedFiles = tsFiles(join(LOADTEST, "shared"));

t.test("the k6 scripts and shared modules type-check against @types/k6 without Node types", async (t) => {
  // TypeScript 7's compiler is a native binary; call it directly rather than through its Node
  // wrapper, which does not survive the loaders tap injects into child Node processes.
  const { default: getExePath } = (await import(
    pathToFileURL(join(ROOT, "node_modules", "typescript", "lib", "getExePath.js")).href
  )) as { default: () => string };
  const result = await run(getExePath(), ["-p", join(LOADTEST, "tsconfig.json")], { cwd: ROOT }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
  t.equal(result.out.trim(), "", "no diagnostics");
  t.equal(result.code, 0);
});

t.test(
  "every script exists, and no file uses syntax past ES2020 (k6 hands esbuild's ESNext output to Sobek)",
  async (t) => {
    for (const name of SCRIPTS) t.ok(k6Files.includes(join(LOADTEST, "k6", `${name}.ts`)), `${name}.ts`);
    for (const file of [...k6Files, ...sharedFiles]) {
      const source = readFileSync(file, "utf8");
      const esnext = await transform(source, { loader: "ts", target: "esnext", format: "esm" });
      const es2020 = await transform(source, { loader: "ts", target: "es2020", format: "esm" });
      t.equal(es2020.code, esnext.code, `${relative(LOADTEST, file)} needs no lowering`);
    }
  },
);

t.test("imports are ones k6 can resolve: k6 modules in scripts, relative .ts files everywhere", async (t) => {
  const specifiers = (file: string): string[] =>
    [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]!);
  for (const file of k6Files) {
    for (const s of specifiers(file)) {
      t.ok(
        /^k6(\/[a-z-]+)*$/.test(s) || (/^\.\.?\//.test(s) && s.endsWith(".ts")),
        `${relative(LOADTEST, file)}: ${s}`,
      );
    }
  }
  for (const file of sharedFiles) {
    for (const s of specifiers(file)) {
      t.ok(/^\.\/[a-z0-9-]+\.ts$/.test(s), `${relative(LOADTEST, file)} imports only its siblings: ${s}`);
    }
  }
});

// ---- running the scripts against fake k6 modules ----

const fakeK6: Plugin = {
  name: "fake-k6",
  setup(b) {
    b.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => ({
      path: fileURLToPath(new URL(`./fake-k6/${args.path === "k6" ? "k6" : args.path.slice(3)}.ts`, import.meta.url)),
    }));
  },
};

interface ScriptModule {
  options: {
    scenarios: Record<string, Record<string, unknown> & { exec: string; executor: string }>;
    thresholds: Record<string, string[]>;
  };
  setup: () => { runId: string };
  ingest: (data: { runId: string }) => void;
  probe: (data: { runId: string }) => void;
  handleSummary: (data: unknown) => Record<string, string>;
  [name: string]: unknown;
}

let bundles = 0;

async function load(
  dir: string,
  name: string,
  env: Record<string, string>,
  handler: (req: FakeRequest) => FakeResponse = () => ({ status: 500 }),
): Promise<{ script: ScriptModule; k6: FakeK6 }> {
  const k6: FakeK6 = {
    handler,
    requests: [],
    samples: [],
    checks: [],
    sleeps: [],
    vu: 1,
    scenario: "probe",
    iteration: 0,
  };
  globalThis.__fakeK6 = k6;
  (globalThis as { __ENV?: Record<string, string> }).__ENV = env;
  bundles += 1;
  const outfile = join(dir, `${name}-${bundles}.mjs`);
  await build({
    entryPoints: [join(LOADTEST, "k6", `${name}.ts`)],
    bundle: true,
    format: "esm",
    platform: "node",
    outfile,
    plugins: [fakeK6],
    logLevel: "silent",
  });
  return { script: (await import(pathToFileURL(outfile).href)) as ScriptModule, k6 };
}

t.test("each script exports a function for every scenario and states the SLOs as thresholds", async (t) => {
  for (const name of SCRIPTS) {
    const { script } = await load(t.testdir(), name, { API_KEY: "k" });
    const scenarios = Object.values(script.options.scenarios);
    t.ok(scenarios.length > 0, `${name} has scenarios`);
    for (const s of scenarios) {
      t.match(s.executor, /^(constant|ramping)-arrival-rate$/, `${name}: open-model executor`);
      t.type(script[s.exec], "function", `${name}: exports ${s.exec}()`);
    }
    const th = script.options.thresholds;
    t.same(th["http_req_duration{name:ingest}"], ["p(95)<300", "p(99)<800"], `${name}: ingest SLO`);
    t.same(th.bill_processing_time, ["p(50)<1000", "p(95)<3000", "p(99)<5000"], `${name}: processing SLO`);
    t.same(th.dropped_iterations, ["count==0"]);
    t.same(th.http_req_failed, ["rate<0.01"]);
    t.match(th.bill_delivery_time?.[0] ?? "", /^p\(95\)<\d+$/);
  }
});

t.test("spike-10x ramps 1,000 → 10,000 bills/hour and back; burst-5000 sends exactly 5,000", async (t) => {
  const spike = (await load(t.testdir(), "spike-10x", { API_KEY: "k" })).script.options.scenarios.ingest!;
  t.equal(spike.executor, "ramping-arrival-rate");
  t.equal(spike.timeUnit, "1h");
  t.equal(spike.startRate, 1000);
  t.same(
    (spike.stages as { target: number }[]).map((s) => s.target),
    [1000, 10000, 10000, 1000, 1000],
  );
  const burst = (await load(t.testdir(), "burst-5000", { API_KEY: "k", PROBES: "off" })).script;
  t.same(Object.keys(burst.options.scenarios), ["ingest"], "PROBES=off leaves ingest only");
  t.equal(burst.options.thresholds.bill_delivery_time, undefined, "and no delivery thresholds");
  t.match(burst.options.scenarios.ingest, {
    executor: "constant-arrival-rate",
    rate: 5000,
    duration: "120s",
    timeUnit: "120s",
  });
});

t.test("setup refuses to start without an API key or with a service that is not ready", async (t) => {
  const noKey = await load(t.testdir(), "smoke", {});
  t.throws(() => noKey.script.setup(), /API_KEY is not set/);
  const notReady = await load(t.testdir(), "smoke", { API_KEY: "k" }, () => ({ status: 503 }));
  t.throws(() => notReady.script.setup(), /health\/ready answered 503/);
  const ready = await load(t.testdir(), "smoke", { API_KEY: "k", RUN_ID: "run1" }, () => ({ status: 200 }));
  t.same(ready.script.setup(), { runId: "run1" });
});

t.test("a probe POSTs a valid bill, follows its status URL to success and records the timings", async (t) => {
  let polls = 0;
  const { script, k6 } = await load(
    t.testdir(),
    "smoke",
    { API_KEY: "secret-key", BASE_URL: "http://svc.test/", PDF_KIB: "8" },
    (req) => {
      if (req.method === "POST") {
        return {
          status: 202,
          body: JSON.stringify({ transactionId: "tx-1", status: "pending", statusUrl: "/api/v1/transactions/tx-1" }),
          headers: { Location: "/api/v1/transactions/tx-1" },
        };
      }
      polls += 1;
      const done = polls >= 3;
      return {
        status: 200,
        body: JSON.stringify({
          transactionId: "tx-1",
          status: done ? "success" : "processing",
          createdAt: "2026-11-20T09:59:59.000Z",
          lastAttemptAt: "2026-11-20T10:00:00.000Z",
          completedAt: done ? "2026-11-20T10:00:00.420Z" : null,
        }),
      };
    },
  );
  k6.iteration = 7;
  script.probe({ runId: "r1" });

  const [post, ...gets] = k6.requests;
  t.equal(post?.url, "http://svc.test/api/v1/bills");
  t.equal(post?.headers["x-api-key"], "secret-key");
  t.equal(post?.tags.name, "ingest");
  const body = JSON.parse(post?.body ?? "{}");
  t.equal(body.netsuiteBillId, "lt-r1-probe-7");
  t.equal(body.mimeType, "application/pdf");
  const pdf = Buffer.from(body.base64Data, "base64");
  t.equal(pdf.length, 8 * 1024, "PDF_KIB sizes the PDF");
  t.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
  t.ok(pdf.includes(Buffer.from("lt-r1-probe-7")), "the bill id is stamped into the PDF");
  t.equal(gets.length, 3, "polled until success");
  t.ok(gets.every((g) => g.url === "http://svc.test/api/v1/transactions/tx-1" && g.tags.name === "status"));

  const values = (metric: string) => k6.samples.filter((s) => s.metric === metric).map((s) => s.value);
  t.same(values("bills_accepted"), [1]);
  t.same(values("bill_delivery_failed"), [0]);
  t.same(values("bill_processing_time"), [420]);
  t.same(values("bill_server_time"), [1420]);
  t.equal(values("bill_delivery_time").length, 1);
  t.ok(
    k6.checks.every((c) => c.ok),
    "all checks passed",
  );
});

t.test("a rejected bill counts as rejected and a failed delivery as failed", async (t) => {
  const rejected = await load(t.testdir(), "smoke", { API_KEY: "k" }, () => ({ status: 413, body: "{}" }));
  rejected.script.probe({ runId: "r" });
  t.same(
    rejected.k6.samples.map((s) => [s.metric, s.tags?.status]),
    [["bills_rejected", "413"]],
  );
  t.ok(rejected.k6.checks.some((c) => c.name === "ingest answered 202" && !c.ok));

  const failed = await load(t.testdir(), "smoke", { API_KEY: "k" }, (req) =>
    req.method === "POST"
      ? { status: 202, body: JSON.stringify({ transactionId: "tx-2" }) }
      : { status: 200, body: JSON.stringify({ status: "failed" }) },
  );
  failed.script.probe({ runId: "r" });
  t.same(
    failed.k6.samples.filter((s) => s.metric === "bill_delivery_failed").map((s) => s.value),
    [1],
  );
  t.equal(failed.k6.requests[1]?.url, "http://127.0.0.1:3000/api/v1/transactions/tx-2", "status URL built from the id");
});

t.test("handleSummary writes JSON, HTML and text under SUMMARY_DIR and prints the text", async (t) => {
  const { script } = await load(t.testdir(), "baseline", { API_KEY: "k", SUMMARY_DIR: "out/k6/" });
  const data = {
    state: { testRunDurationMs: 1800_000 },
    root_group: { checks: [{ name: "ingest answered 202", passes: 500, fails: 0 }], groups: [] },
    metrics: {
      "http_req_duration{name:ingest}": {
        type: "trend",
        contains: "time",
        values: { "p(95)": 120, "p(99)": 900 },
        thresholds: { "p(95)<300": { ok: true }, "p(99)<800": { ok: false } },
      },
    },
  };
  const files = script.handleSummary(data);
  t.same(Object.keys(files).sort(), ["out/k6/baseline.html", "out/k6/baseline.json", "out/k6/baseline.txt", "stdout"]);
  t.same(JSON.parse(files["out/k6/baseline.json"]!), data);
  t.match(files.stdout, /k6 baseline: FAILED/);
  t.match(files.stdout, /✗ http_req_duration\{name:ingest\}: p\(99\)<800/);
  t.match(files["out/k6/baseline.html"], /<!doctype html>/);
});
