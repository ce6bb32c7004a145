/**
 * Where chaos run ac6f8b81's two bills went: the SQS stand-in (moto 5.2) lost their messages.
 * Two overlapping DeleteMessage calls each rebuild the queue's list outside its lock, and the
 * slower one writes back a list without whatever was sent in between (moto_delete_race.py replays
 * the interleaving step by step). scripts/dev/moto_server.py takes the queue lock; local stacks
 * start moto through it.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import t from "tap";

const python = fileURLToPath(new URL("../../../../.tools/venv/bin/python", import.meta.url));
const scenario = fileURLToPath(new URL("./moto_delete_race.py", import.meta.url));

interface RaceResult {
  readonly newBillKept: boolean;
  readonly deletedStayDeleted: boolean;
}

const replay = (...args: string[]): RaceResult =>
  JSON.parse(execFileSync(python, [scenario, ...args], { encoding: "utf8", timeout: 30_000 })) as RaceResult;

t.test("plain moto drops a message sent between two overlapping deletes", async (t) => {
  // A tripwire: when moto fixes this upstream, this fails and the patch can go.
  const r = replay();
  t.equal(r.newBillKept, false, "the bill enqueued during the overlap is gone (what ac6f8b81 saw)");
  t.equal(r.deletedStayDeleted, false, "and the first delete is undone");
});

t.test("moto started through scripts/dev/moto_server.py keeps the message", async (t) => {
  const r = replay("patched");
  t.equal(r.newBillKept, true, "the bill enqueued during the overlap is still in the queue");
  t.equal(r.deletedStayDeleted, true, "the first delete holds");
});
