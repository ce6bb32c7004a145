import t from "tap";
import { reasonKey } from "../checker.ts";
import { DEFAULTS, FAULT_KINDS, optionsFromCli } from "../options.ts";
import { seededRandom } from "../scheduler.ts";

t.test("defaults are the full run: 2,000 bills and every fault kind", async (t) => {
  const o = optionsFromCli([], {});
  t.equal(o.bills, 2000);
  t.same(o.faults, FAULT_KINDS);
  t.equal(o.workers, DEFAULTS.workers);
  t.equal(o.standIns, "perf", "the load stand-ins, not the single-threaded moto");
  t.equal(optionsFromCli([], { CHAOS_STAND_INS: "moto" }).standIns, "moto");
});

t.test("flags win over CHAOS_* env", async (t) => {
  const o = optionsFromCli(["--bills=300", "--fault-every-ms", "1500"], {
    CHAOS_BILLS: "50",
    CHAOS_WORKERS: "2",
    CHAOS_FAULTS: "kill-worker,restart-redis",
  });
  t.equal(o.bills, 300);
  t.equal(o.faultEveryMs, 1500);
  t.equal(o.workers, 2);
  t.same(o.faults, ["kill-worker", "restart-redis"]);
});

t.test("bad settings are refused with their names", async (t) => {
  t.throws(() => optionsFromCli(["--faults=kill-worker,meteor"], {}), /unknown fault "meteor"/);
  t.throws(() => optionsFromCli(["--bills=0"], {}), /bills must be at least 1/);
  t.throws(() => optionsFromCli(["--stand-ins=localstack"], {}), /standIns is one of perf, moto/);
  t.throws(() => optionsFromCli(["--nope"], {}));
});

t.test("the fault schedule is reproducible from its seed", async (t) => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const xs = Array.from({ length: 5 }, () => a());
  t.same(
    xs,
    Array.from({ length: 5 }, () => b()),
  );
  t.ok(xs.every((x) => x >= 0 && x < 1));
});

t.test("failure reasons group without ids and counts", async (t) => {
  t.equal(
    reasonKey("gave up after 5 attempts: bill 3f2a1c4e-1111-2222-3333-444455556666 timed out"),
    reasonKey("gave up after 4 attempts: bill 9f2a1c4e-1111-2222-3333-444455556666 timed out"),
  );
  t.equal(reasonKey(null), "(no reason recorded)");
});
