/**
 * The worker as it runs in production: `node consumer/src/worker.ts` processes against the real
 * stand-ins (Postgres, Redis, moto) and the Zoho Books simulator.
 */
import t, { type Test } from "tap";
import { z } from "zod";
import { sql } from "../../lib/db.ts";
import { findTransaction } from "../../lib/transactions.ts";
import {
  type ConsumerTestEnv,
  queueDepth,
  type SeededBill,
  seedBill,
  setFaults,
  setupConsumerEnv,
  simAttachments,
  simStats,
  spawnWorker,
  waitFor,
} from "./helper.ts";

const e = await setupConsumerEnv(t, {
  env: { ZOHO_RATE_LIMIT_PER_MINUTE: "900", WORKER_MAX_RECEIVES: "4" },
  sim: { limits: { perWindow: 1000 } },
});

const statuses = (ids: readonly string[]) =>
  e.db.any(sql.type(
    z.object({ id: z.string(), status: z.string(), retry_count: z.number(), error_message: z.string().nullable() }),
  )`
    SELECT id, status, retry_count, error_message FROM transactions WHERE id = ANY(${sql.array([...ids], "uuid")})`);

async function allSettled(bills: readonly SeededBill[], timeoutMs = 40_000) {
  const ids = bills.map((b) => b.transactionId);
  return waitFor(
    `${ids.length} bills settled`,
    async () => {
      const rows = await statuses(ids);
      return rows.every((r) => r.status === "success" || r.status === "failed") && rows;
    },
    timeoutMs,
    200,
  );
}

/** Each bill's bytes are in the simulator exactly once. */
function assertExactlyOnce(t: Test, env: ConsumerTestEnv, bills: readonly SeededBill[]) {
  const all = simAttachments(env);
  for (const b of bills) {
    const copies = all.filter((a) => a.sha256 === b.sha256);
    t.equal(copies.length, 1, `${b.netsuiteBillId} attached exactly once with matching SHA-256`);
  }
}

t.test("N bills sent to the queue all arrive in Zoho exactly once, one Zoho call each", async (t) => {
  const startCalls = simStats(e).byRoute["POST /books/v3/bills"] ?? 0;
  const bills = await Promise.all(Array.from({ length: 20 }, () => seedBill(e)));
  const w1 = spawnWorker(t, e);
  const w2 = spawnWorker(t, e);
  const rows = await allSettled(bills);
  t.ok(
    rows.every((r) => r.status === "success"),
    "all 20 delivered",
  );
  assertExactlyOnce(t, e, bills);
  const creates = (simStats(e).byRoute["POST /books/v3/bills"] ?? 0) - startCalls;
  t.equal(creates, 20, "one create (with the PDF) per bill");
  const calls = await e.db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    SELECT count(*) AS n FROM api_audit_logs
    WHERE operation LIKE 'books.%' AND transaction_id = ANY(${sql.array(
      bills.map((b) => b.transactionId),
      "uuid",
    )})`);
  t.equal(calls / bills.length, 1, "Zoho calls per delivered bill = 1.0");
  await waitFor("queue drained", async () => (await queueDepth(e)) === 0, 10_000);
  t.equal(await w1.stop(), 0, "SIGTERM stops cleanly");
  t.equal(await w2.stop(), 0);
  const logs = w1.output() + w2.output();
  t.match(
    logs,
    /"transactionId":"[0-9a-f-]{36}".*"msg":"bill delivered to Zoho Books"/,
    "JSON logs carry the transaction id",
  );
  t.notMatch(logs, /sim-refresh-token|sim-client-secret|Zoho-oauthtoken|test-encryption-key/, "no secret in the logs");
});

t.test("a worker killed with SIGKILL mid-upload loses and duplicates nothing", async (t) => {
  await setFaults(e, { slow: { delayMs: 2500, method: "POST", path: "/books/v3/bills" } });
  const bills = await Promise.all(Array.from({ length: 5 }, () => seedBill(e)));
  const victim = spawnWorker(t, e);
  await waitFor("uploads in flight", async () => simStats(e).concurrency.current >= 3, 15_000, 20);
  await victim.stop("SIGKILL");
  await setFaults(e, { clear: true });
  const rescuer = spawnWorker(t, e);
  const rows = await allSettled(bills);
  t.ok(
    rows.every((r) => r.status === "success"),
    "every bill delivered after the crash",
  );
  assertExactlyOnce(t, e, bills);
  const numbers = new Set(bills.map((b) => b.billNumber));
  const simBills = [...e.sim.state.organizations.values()].flatMap((o) => [...o.store.bills.values()]);
  t.equal(simBills.filter((b) => numbers.has(b.bill_number)).length, 5, "one Zoho bill per NetSuite bill");
  const stats = simStats(e);
  t.equal(Object.keys(stats.attachments).length, stats.bills, "no bill without its PDF");
  await rescuer.stop();
});

t.test("a 429 storm without Retry-After delays the bills but fails none and spends no retries", async (t) => {
  await setFaults(e, { rate429: { code: 44, count: 6 } });
  const bills = await Promise.all(Array.from({ length: 8 }, () => seedBill(e)));
  const w1 = spawnWorker(t, e, { ZOHO_RATE_WINDOW_MS: "1000" });
  const w2 = spawnWorker(t, e, { ZOHO_RATE_WINDOW_MS: "1000" });
  const rows = await allSettled(bills);
  t.ok(
    rows.every((r) => r.status === "success"),
    "all delivered after the storm",
  );
  t.ok(
    rows.every((r) => r.retry_count === 0),
    "throttling used no attempt",
  );
  t.equal(simStats(e).injected.rate429, 6, "the storm was felt: six 429s");
  t.equal(await queueDepth(e, e.dlqUrl), 0, "nothing in the DLQ");
  assertExactlyOnce(t, e, bills);
  await Promise.all([w1.stop(), w2.stop()]);
});

t.test("an expired or revoked token is refreshed once for the whole fleet", async (t) => {
  const workers = [spawnWorker(t, e), spawnWorker(t, e), spawnWorker(t, e)];
  const warm = await Promise.all(Array.from({ length: 3 }, () => seedBill(e)));
  await allSettled(warm);
  const before = simStats(e).tokens.mints;
  await setFaults(e, { revokeAccessTokens: true });
  const bills = await Promise.all(Array.from({ length: 9 }, () => seedBill(e)));
  const rows = await allSettled(bills);
  t.ok(rows.every((r) => r.status === "success"));
  t.equal(simStats(e).tokens.mints - before, 1, "three workers, one refresh call at the accounts server");
  await Promise.all(workers.map((w) => w.stop()));
});

t.test("an unknown vendor fails fast with its message and leaves nothing queued", async (t) => {
  const w = spawnWorker(t, e);
  const bill = await seedBill(e, {
    bill: { details: { vendorName: "Vendor That Does Not Exist", billNumber: "UV-1" } },
  });
  const started = Date.now();
  const [row] = await allSettled([bill], 15_000);
  t.equal(row?.status, "failed");
  t.match(row?.error_message, /unknown vendor/);
  t.equal(row?.retry_count, 0);
  t.ok(Date.now() - started < 10_000, "no backoff cycles");
  t.equal(await queueDepth(e), 0);
  t.equal(await queueDepth(e, e.dlqUrl), 0, "a permanent failure is not a DLQ case");
  await w.stop();
});

t.test("SIGTERM lets an upload in progress finish before the worker exits", async (t) => {
  await setFaults(e, { slow: { delayMs: 1500, method: "POST", count: 1 } });
  const bill = await seedBill(e);
  const w = spawnWorker(t, e);
  await waitFor("upload in flight", async () => simStats(e).concurrency.current >= 1, 15_000, 20);
  const code = await w.stop("SIGTERM");
  t.equal(code, 0);
  t.equal((await findTransaction(e.db, bill.transactionId))?.status, "success", "finished during the grace period");
  t.equal(await queueDepth(e), 0);
});
