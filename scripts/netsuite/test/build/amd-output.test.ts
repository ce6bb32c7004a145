/**
 * The deployed artefact itself: the committed .js files in the SDF File Cabinet folder are what a
 * fresh build produces, start with the @N JSDoc tags, and are AMD modules that a minimal define()
 * (no require, module, exports or process in scope) loads into the entry points NetSuite expects.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import vm from "node:vm";
import t from "tap";
import { buildAll } from "../../build.ts";
import { accepted, fakeAccount, mrParameters } from "../fakes/fixtures.ts";
import { runMapReduce } from "../fakes/map-reduce-driver.ts";
import type { FakeNetSuite } from "../fakes/n-modules.ts";

const EXPECTED = {
  "mw_send_bills_mr.js": { type: "MapReduceScript", entryPoints: ["getInputData", "map", "reduce", "summarize"] },
  "mw_send_bill_sl.js": { type: "Suitelet", entryPoints: ["onRequest"] },
  "mw_bill_status_ss.js": { type: "ScheduledScript", entryPoints: ["execute"] },
} as const;

type Factory = (...modules: unknown[]) => Record<string, unknown>;

/** Evaluates the file as a classic script with only define() in scope; returns what define saw. */
function loadAmd(code: string, filename: string) {
  const calls: { deps: string[]; factory: Factory }[] = [];
  const sandbox = {
    define(deps: string[], factory: Factory) {
      calls.push({ deps, factory });
    },
  };
  vm.runInNewContext(code, sandbox, { filename });
  return calls;
}

function instantiate(code: string, filename: string, fake: FakeNetSuite) {
  const [call] = loadAmd(code, filename);
  const byId: Record<string, unknown> = {};
  for (const [name, mod] of Object.entries(fake.n)) byId[`N/${name}`] = mod;
  return call!.factory(...call!.deps.map((id) => byId[id]));
}

const scripts = await buildAll();

t.test("three scripts are built", async (t) => {
  t.same(scripts.map((s) => basename(s.outputPath)).sort(), Object.keys(EXPECTED).sort());
});

for (const script of scripts) {
  const name = basename(script.outputPath) as keyof typeof EXPECTED;
  const expected = EXPECTED[name];
  const committed = readFileSync(script.outputPath, "utf8");

  t.test(`${name}: the committed file is a fresh build (run node scripts/netsuite/build.ts)`, async (t) => {
    t.ok(committed === script.code, "committed output matches the sources");
  });

  t.test(`${name}: JSDoc header with @NApiVersion 2.1 and @NScriptType ${expected.type} comes first`, async (t) => {
    t.match(committed, /^\/\*\*\n \* @NApiVersion 2\.1\n/);
    const header = committed.slice(0, committed.indexOf("*/"));
    t.match(header, new RegExp(`@NScriptType ${expected.type}\\n`));
    t.match(header, /@NModuleScope SameAccount/);
    t.equal(committed.indexOf("define("), committed.indexOf("*/") + 3, "define() follows the header directly");
  });

  t.test(`${name}: one define() call with N module dependencies and a matching factory`, async (t) => {
    const calls = loadAmd(committed, name);
    t.equal(calls.length, 1);
    const [call] = calls;
    t.ok(
      call!.deps.every((d) => /^N\/[a-z]+$/.test(d)),
      "only N/ modules",
    );
    t.ok(call!.deps.includes("N/https") && call!.deps.includes("N/runtime"));
    t.equal(call!.factory.length, call!.deps.length, "one factory parameter per dependency");
  });

  t.test(`${name}: the factory returns exactly the ${expected.type} entry points`, async (t) => {
    const exports = instantiate(committed, name, fakeAccount());
    t.same(Object.keys(exports).sort(), [...expected.entryPoints].sort());
    for (const entry of expected.entryPoints) t.equal(typeof exports[entry], "function", `${entry} is a function`);
  });

  t.test(`${name}: no ES module syntax or Node globals survive in the output`, async (t) => {
    t.notMatch(committed, /^\s*(import|export)\s/m);
    t.notMatch(committed, /\brequire\(|\bprocess\.|\bBuffer\b|\bsetTimeout\(/);
  });
}

t.test("the compiled Map/Reduce runs a bill end to end with the fakes", async (t) => {
  const script = scripts.find((s) => s.outputPath.endsWith("mw_send_bills_mr.js"))!;
  const fake = fakeAccount({ parameters: mrParameters("custscript_mw_mr_"), responder: () => accepted("tx-amd") });
  const stages = instantiate(readFileSync(script.outputPath, "utf8"), "mr", fake);
  runMapReduce(fake, stages as never);
  t.match(fake.state.bills[0]!.fields, { custbody_mw_status: "SENT", custbody_mw_txn_id: "tx-amd" });
  t.ok(fake.state.logs.some((l) => l.title === "bill delivery summary"));
});

t.test("the compiled status script writes a delivered bill's outcome with the fakes", async (t) => {
  const script = scripts.find((s) => s.outputPath.endsWith("mw_bill_status_ss.js"))!;
  const fake = fakeAccount({ parameters: mrParameters("custscript_mw_ss_"), remainingUsage: 10_000 });
  fake.state.bills[0]!.fields = { custbody_mw_status: "SENT", custbody_mw_txn_id: "tx-1" };
  fake.state.responder = () => ({
    code: 200,
    body: JSON.stringify({
      transactions: [
        {
          netsuiteBillId: "101",
          transactionId: "tx-1",
          status: "success",
          zohoBillId: "4601",
          failureReason: null,
          updatedAt: "2026-12-01T00:00:00Z",
        },
      ],
      notFound: [],
    }),
  });
  const { execute } = instantiate(readFileSync(script.outputPath, "utf8"), "ss", fake) as { execute: () => void };
  execute();
  t.match(fake.state.bills[0]!.fields, { custbody_mw_status: "DELIVERED", custbody_mw_zoho_bill_id: "4601" });
});

t.test("the compiled Suitelet answers a request with the fakes", async (t) => {
  const script = scripts.find((s) => s.outputPath.endsWith("mw_send_bill_sl.js"))!;
  const fake = fakeAccount({ parameters: mrParameters("custscript_mw_sl_") });
  const { onRequest } = instantiate(readFileSync(script.outputPath, "utf8"), "sl", fake) as {
    onRequest: (context: unknown) => void;
  };
  const out: string[] = [];
  onRequest({
    request: { method: "GET", parameters: {} },
    response: { write: (o: { output: string }) => out.push(o.output), setHeader: () => undefined },
  });
  t.match(out.join(""), /Vendor bill delivery/);
});
