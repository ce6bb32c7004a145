import t from "tap";
import { classifyAnswer, classifyNoAnswer, throttlePauseMs } from "../../src/zoho/classify.ts";
import {
  ZOHO_CODE_CONCURRENCY,
  ZOHO_CODE_DAILY,
  ZOHO_CODE_PER_MINUTE,
  ZohoPermanentError,
  ZohoTransientError,
} from "../../src/zoho/errors.ts";

const NOON_UTC = Date.UTC(2026, 11, 1, 12, 0, 0);
const opts = { perMinutePauseMs: 60_000, now: NOON_UTC };
const answer = (status: number, json: Record<string, unknown> = {}, accept?: number[]) =>
  classifyAnswer({ operation: "books.bills.create", status, json, accept }, opts);

t.test("a 2xx with code 0 or no code is ok, and the audit records no error", async (t) => {
  t.same(answer(201, { code: 0, message: "The bill has been created." }), { kind: "ok", zohoCode: 0, error: null });
  t.same(answer(200, { bill: {} }), { kind: "ok", zohoCode: null, error: null });
});

t.test("a 2xx whose body code is not 0 is transient", async (t) => {
  const v = answer(200, { code: 9, message: "odd" });
  t.equal(v.kind, "transient");
  if (v.kind !== "transient") return;
  t.type(v.failure, ZohoTransientError);
  t.equal(v.failure.message, "Zoho books.bills.create answered 200: odd");
  t.equal(v.failure.zohoCode, 9);
  t.equal(v.error, "odd");
});

t.test("each 429 code pauses the fleet for its own time", async (t) => {
  const perMinute = answer(429, { code: ZOHO_CODE_PER_MINUTE, message: "too many" });
  t.same(perMinute, { kind: "throttled", pauseMs: 60_000, zohoCode: 44, error: "too many" }, "44: one window");
  t.same(answer(429, { code: ZOHO_CODE_CONCURRENCY }), {
    kind: "throttled",
    pauseMs: 1_000,
    zohoCode: 1070,
    error: "HTTP 429",
  });
  t.same(
    answer(429, { code: ZOHO_CODE_DAILY }),
    { kind: "throttled", pauseMs: 12 * 3600 * 1000, zohoCode: 45, error: "HTTP 429" },
    "45: until the next UTC midnight",
  );
  t.same(answer(429), { kind: "throttled", pauseMs: 60_000, zohoCode: null, error: "HTTP 429" }, "no code: one window");
});

t.test("the daily-quota pause is at least a minute, even just before midnight", async (t) => {
  const justBefore = Date.UTC(2026, 11, 1, 23, 59, 50);
  t.equal(throttlePauseMs(ZOHO_CODE_DAILY, { perMinutePauseMs: 60_000, now: justBefore }), 60_000);
  t.equal(
    throttlePauseMs(ZOHO_CODE_DAILY, { perMinutePauseMs: 60_000, now: Date.UTC(2026, 11, 1, 23, 0, 0) }),
    3_600_000,
  );
});

t.test("a 401 is an answer: the client refreshes the token once", async (t) => {
  t.same(answer(401, { code: 57, message: "You are not authorized" }), {
    kind: "answer",
    zohoCode: 57,
    error: "You are not authorized",
  });
});

t.test("an accepted status is an answer, but only where the call accepts it", async (t) => {
  t.same(answer(404, { code: 1002, message: "Bill does not exist." }, [404]), {
    kind: "answer",
    zohoCode: 1002,
    error: "Bill does not exist.",
  });
  t.equal(answer(404, { code: 1002, message: "Bill does not exist." }).kind, "permanent");
});

t.test("other 4xx are permanent, with Zoho's message, status and code", async (t) => {
  for (const status of [400, 403, 404, 405, 413, 422]) {
    const v = answer(status, { code: 4, message: "Invalid value passed for vendor_id" });
    t.equal(v.kind, "permanent", `HTTP ${status}`);
    if (v.kind !== "permanent") continue;
    t.type(v.failure, ZohoPermanentError);
    t.equal(
      v.failure.message,
      `Zoho rejected books.bills.create: Invalid value passed for vendor_id (HTTP ${status}, code 4)`,
    );
    t.same([v.failure.operation, v.failure.status, v.failure.zohoCode], ["books.bills.create", status, 4]);
  }
  const bare = answer(400);
  t.equal(
    bare.kind === "permanent" && bare.failure.message,
    "Zoho rejected books.bills.create: HTTP 400 (HTTP 400, code none)",
  );
});

t.test("5xx are transient", async (t) => {
  for (const status of [500, 502, 503, 504]) {
    const v = answer(status, { unparsed: "<html>" });
    t.equal(v.kind, "transient", `HTTP ${status}`);
    if (v.kind !== "transient") continue;
    t.equal(v.failure.message, `Zoho books.bills.create answered ${status}: HTTP ${status}`);
    t.equal(v.failure.zohoCode, undefined);
    t.equal(v.error, `HTTP ${status}`);
  }
});

t.test("a call that got no answer (network error, timeout) is transient and keeps its cause", async (t) => {
  const reset = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
  const err = classifyNoAnswer("books.bills.get", reset);
  t.type(err, ZohoTransientError);
  t.equal(err.message, "Zoho books.bills.get failed: other side closed");
  t.equal(err.operation, "books.bills.get");
  t.equal(err.status, undefined);
  t.equal(err.cause, reset);
  t.equal(classifyNoAnswer("books.bills.get", "boom").message, "Zoho books.bills.get failed: boom");
});

t.test("classification is pure: same answer, same verdict; the input is not changed", async (t) => {
  const json = Object.freeze({ code: 44, message: "slow down" });
  const first = answer(429, json);
  t.same(answer(429, json), first);
  t.same(json, { code: 44, message: "slow down" });
});
