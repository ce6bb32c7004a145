import t from "tap";
import {
  isTerminal,
  processingMsOf,
  serverTimeMsOf,
  statusOf,
  statusUrlOf,
  toEpochMs,
  transactionIdOf,
} from "../../shared/status.ts";

t.test("the status URL comes from the body, the Location header or the id", async (t) => {
  const base = "https://staging.example.com/";
  t.equal(
    statusUrlOf(base, { statusUrl: "/api/v1/transactions/a" }),
    "https://staging.example.com/api/v1/transactions/a",
  );
  t.equal(statusUrlOf(base, { statusUrl: "https://x.test/t/a" }), "https://x.test/t/a");
  t.equal(statusUrlOf(base, {}, "api/v1/transactions/b"), "https://staging.example.com/api/v1/transactions/b");
  t.equal(statusUrlOf(base, { transactionId: "c d" }), "https://staging.example.com/api/v1/transactions/c%20d");
  t.equal(statusUrlOf(base, { id: "e" }), "https://staging.example.com/api/v1/transactions/e");
  t.equal(statusUrlOf(base, "not json"), undefined);
  t.equal(statusUrlOf(base, null), undefined);
  t.equal(transactionIdOf({ transactionId: "" }), undefined);
});

t.test("final statuses", async (t) => {
  t.ok(isTerminal("success"));
  t.ok(isTerminal("failed"));
  t.notOk(isTerminal("pending"));
  t.notOk(isTerminal("processing"));
  t.notOk(isTerminal(undefined));
  t.equal(statusOf({ status: "success" }), "success");
  t.equal(statusOf({ status: 3 }), undefined);
  t.equal(statusOf([]), undefined);
});

t.test("processing time from the status body, in any of its spellings", async (t) => {
  t.equal(processingMsOf({ lastAttemptAt: "2026-11-20T10:00:00Z", completedAt: "2026-11-20T10:00:01.250Z" }), 1250);
  t.equal(processingMsOf({ last_attempt_at: 1_790_000_000_000, completed_at: 1_790_000_000_400 }), 400);
  t.equal(processingMsOf({ processingStartedAt: 1_790_000_000, completedAt: 1_790_000_002 }), 2000, "epoch seconds");
  t.equal(processingMsOf({ lastAttemptAt: "2026-11-20T10:00:00Z" }), undefined, "not finished");
  t.equal(processingMsOf({ lastAttemptAt: "2026-11-20T10:00:05Z", completedAt: "2026-11-20T10:00:00Z" }), undefined);
  t.equal(processingMsOf({ lastAttemptAt: "garbage", completedAt: "2026-11-20T10:00:00Z" }), undefined);
  t.equal(toEpochMs(null), undefined);
});

t.test("server-side time from accept to completion", async (t) => {
  t.equal(serverTimeMsOf({ createdAt: "2026-11-20T10:00:00Z", completedAt: "2026-11-20T10:00:02.5Z" }), 2500);
  t.equal(serverTimeMsOf({ createdAt: "2026-11-20T10:00:00Z", completedAt: null }), undefined);
  t.equal(serverTimeMsOf({ created_at: 2_000, completed_at: 1_000 }), undefined);
});
