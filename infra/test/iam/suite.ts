/**
 * What both enforcement files share: the world, the capture file, the ingest service (bills come in
 * through it), and the last checks that hold what was sent against each process's list.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Test } from "tap";
import { waitFor } from "../../../consumer/test/helper.ts";
import { findTransaction } from "../../../lib/transactions.ts";
import { readCapture, unlisted, unused } from "./audit.ts";
import type { RoleKey } from "./policies.ts";
import { launch, type Running } from "./processes.ts";
import { faults, freePort, postBill, serviceEnv } from "./scenario.ts";
import type { AccessKey } from "./stand-in.ts";
import { buildWorld, type World } from "./world.ts";

export interface Suite {
  readonly w: World;
  readonly captureFile: string;
  /** Launch options of a role with its own keys, recording into the capture file. */
  as(role: RoleKey): { role: RoleKey; key: AccessKey; captureFile: string };
  /** Processes started so far (their output is shown when a wait fails). */
  readonly running: Running[];
  /** Waits for a transaction's status; on timeout, shows every process's output. */
  waitStatus(t: Test, id: string, status: string, timeoutMs?: number): Promise<void>;
}

export async function startSuite(t: Test): Promise<Suite> {
  const w = await buildWorld(t);
  const captureFile = join(tmpdir(), `iam-capture-${randomUUID()}.ndjson`);
  t.teardown(() => rmSync(captureFile, { force: true }));
  const running: Running[] = [];
  return {
    w,
    captureFile,
    running,
    as: (role) => ({ role, key: w.keys[role], captureFile }),
    async waitStatus(t, id, status, timeoutMs = 30_000) {
      try {
        await waitFor(
          `transaction ${id} ${status}`,
          async () => (await findTransaction(w.e.db, id))?.status === status,
          timeoutMs,
          200,
        );
      } catch (err) {
        for (const r of running) t.comment(r.output().slice(-4000));
        throw err;
      }
    },
  };
}

/** The ingest service with `key` (the ingest role's unless a negative control says otherwise); resolves once live. */
export async function startService(t: Test, s: Suite, key = s.w.keys.ingest, captureFile = s.captureFile) {
  const port = await freePort();
  const running = launch(t, {
    role: "ingest",
    key,
    captureFile,
    script: "service/src/server.ts",
    env: serviceEnv(s.w, port),
  });
  s.running.push(running);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "service live",
    async () => (await fetch(`${url}/health/live`).catch(() => null))?.ok,
    20_000,
    200,
  ).catch((err) => {
    t.comment(running.output());
    throw err;
  });
  return { running, url };
}

/** A bill the worker (or the Lambda) fails for good: every Zoho call answers 500 until its budget is spent. */
export async function failOneBill(t: Test, s: Suite, base: string, drive?: () => Promise<void>): Promise<string> {
  const deadLettered = () =>
    readCapture(s.captureFile).filter(
      (c) => c.command === "SendMessageCommand" && c.input.QueueUrl === s.w.dlqUrl && !c.error,
    ).length;
  const before = deadLettered();
  await faults(s.w, { error5xx: { status: 500 } });
  const posted = await postBill(base);
  const id = String(posted.transactionId);
  await drive?.();
  await s.waitStatus(t, id, "failed", 40_000);
  // The row fails first, then the copy goes to the DLQ (consumer/src/failure-policy.ts).
  await waitFor("the dead-lettered copy", async () => deadLettered() > before, 10_000, 100);
  await faults(s.w, {});
  return id;
}

/** The last checks for the roles whose every path ran in this file. */
export function auditRoles(t: Test, s: Suite, roles: readonly RoleKey[]): void {
  t.test("every command each process sent was allowed, and is in its process's list", async (t) => {
    const captured = readCapture(s.captureFile);
    const denied = captured.filter((c) => c.error?.httpStatusCode === 403);
    t.same(
      denied.map((c) => `${c.role} ${c.command}`),
      [],
      "nothing denied",
    );
    for (const role of new Set(captured.map((c) => c.role))) {
      t.same(unlisted(captured, role), [], `${role}: every command is in its list`);
    }
  });
  t.test("every listed action was used by some path (no unused grants)", async (t) => {
    const captured = readCapture(s.captureFile);
    for (const role of roles) {
      t.ok(
        captured.some((c) => c.role === role),
        `${role} sent commands`,
      );
      t.same(unused(captured, role), [], role);
    }
  });
}
