/**
 * NetSuite learns the outcome (ts/core/status-sync.ts): the scheduled script asks the service about
 * the bills it sent, one call per 100 bills, and writes DELIVERED/FAILED, the Zoho bill id and the
 * failure reason, within the scheduled script's 10,000 units (the fakes charge Oracle's costs and
 * throw SSS_USAGE_LIMIT_EXCEEDED past them).
 */
import t from "tap";
import { NOT_IN_ZOHO_SEARCH } from "../../ts/core/saved-search.ts";
import { createStatusSync } from "../../ts/core/status-sync.ts";
import { API_KEY, fakeAccount, mrParameters } from "../fakes/fixtures.ts";
import { type FakeBill, type FakeNetSuite, type SentRequest, SuiteScriptError } from "../fakes/n-modules.ts";

type Answer = { status: string; zohoBillId?: string; failureReason?: string };
const SCHEDULED_UNITS = 10_000;

function bill(id: number, status: string, extra: Record<string, string> = {}): FakeBill {
  return {
    id: String(id),
    fileIds: [],
    fields: { custbody_mw_status: status, custbody_mw_txn_id: `tx-${id}`, ...extra },
  };
}

/** The service: answers each batch from `known`; ids it does not know come back in notFound. */
function service(known: (id: number) => Answer | undefined) {
  return (request: SentRequest) => {
    const { netsuiteBillIds } = JSON.parse(request.body ?? "{}") as { netsuiteBillIds: string[] };
    const transactions = [];
    const notFound = [];
    for (const id of netsuiteBillIds) {
      const answer = known(Number(id));
      if (!answer) notFound.push(id);
      else
        transactions.push({
          netsuiteBillId: id,
          transactionId: `tx-${id}`,
          status: answer.status,
          zohoBillId: answer.zohoBillId ?? null,
          failureReason: answer.failureReason ?? null,
          updatedAt: "2026-12-01T21:00:00.000Z",
        });
    }
    return { code: 200, body: JSON.stringify({ transactions, notFound }) };
  };
}

function account(bills: FakeBill[], known: (id: number) => Answer | undefined): FakeNetSuite {
  return fakeAccount({ bills, parameters: mrParameters("custscript_mw_ss_"), responder: service(known) });
}

function run(fake: FakeNetSuite) {
  fake.state.requests.length = 0;
  fake.state.submitted.length = 0;
  fake.state.remainingUsage = SCHEDULED_UNITS;
  return createStatusSync(fake.n, fake.host).execute();
}

const outcomes = (id: number): Answer => {
  if (id % 5 === 0) return { status: "failed", failureReason: `unmapped NetSuite account 6010 (bill ${id})` };
  if (id % 7 === 0) return { status: "processing" };
  return { status: "success", zohoBillId: `46000000${id}` };
};
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

t.test("250 sent bills: three calls of 100, 100 and 50 ids; DELIVERED, FAILED or left SENT", async (t) => {
  const fake = account(
    ids(1, 250).map((id) => bill(id, "SENT")),
    outcomes,
  );
  const report = run(fake);
  const calls = fake.state.requests;
  t.same(
    calls.map((r) => [r.method, r.url]),
    Array(3).fill(["POST", "https://bills.example.com/api/v1/transactions/status"]),
  );
  t.same(
    calls.map((r) => JSON.parse(r.body!).netsuiteBillIds.length),
    [100, 100, 50],
  );
  t.ok(
    calls.every((r) => r.headers["x-api-key"] === API_KEY),
    "every call carries the key",
  );
  const fields = (id: number) => fake.state.bills.find((b) => b.id === String(id))!.fields;
  t.same(fields(1), {
    custbody_mw_status: "DELIVERED",
    custbody_mw_txn_id: "tx-1",
    custbody_mw_error: "",
    custbody_mw_zoho_bill_id: "460000001",
  });
  t.match(fields(5), {
    custbody_mw_status: "FAILED",
    custbody_mw_error: "unmapped NetSuite account 6010 (bill 5)",
    custbody_mw_zoho_bill_id: "",
  });
  t.same(fields(7), { custbody_mw_status: "SENT", custbody_mw_txn_id: "tx-7" }, "still in flight: not written");
  const failed = ids(1, 250).filter((id) => id % 5 === 0).length;
  const pending = ids(1, 250).filter((id) => id % 7 === 0 && id % 5 !== 0).length;
  t.match(report, { bills: 250, calls: 3, delivered: 250 - failed - pending, failed, resent: 0, stopped: null });
  t.equal(fake.state.submitted.length, 250 - pending, "one submitFields per bill that changed");
  // search.load 5 + Search.save 5 (first run) + runPaged 5 + one page 5 + 3 calls × 10 + writes × 10
  t.equal(SCHEDULED_UNITS - fake.state.remainingUsage, 5 + 5 + 5 + 5 + 30 + (250 - pending) * 10);
});

t.test("a second run writes nothing that did not change; FAILED bills are asked again", async (t) => {
  const fake = account(
    ids(1, 250).map((id) => bill(id, "SENT")),
    outcomes,
  );
  run(fake);
  const again = run(fake);
  const waiting = fake.state.bills.filter((b) => ["SENT", "FAILED"].includes(b.fields.custbody_mw_status ?? ""));
  t.equal(again.bills, waiting.length, "DELIVERED bills are no longer asked about");
  t.equal(fake.state.submitted.length, 0, "same answers, no writes");
  t.equal(SCHEDULED_UNITS - fake.state.remainingUsage, 5 + 5 + 5 + again.calls * 10, "load, runPaged, fetch, calls");
});

t.test("an operator's retry in the service moves a FAILED bill back to SENT, then to DELIVERED", async (t) => {
  let answer: Answer = { status: "processing" };
  const fake = account([bill(9, "FAILED", { custbody_mw_error: "unmapped account" })], () => answer);
  t.match(run(fake), { resent: 1 });
  t.match(fake.state.bills[0]!.fields, { custbody_mw_status: "SENT", custbody_mw_error: "" });
  answer = { status: "success", zohoBillId: "460000000999" };
  t.match(run(fake), { delivered: 1 });
  t.match(fake.state.bills[0]!.fields, { custbody_mw_status: "DELIVERED", custbody_mw_zoho_bill_id: "460000000999" });
});

t.test(
  "governance: 1,200 deliveries do not fit 10,000 units; the run stops cleanly, the next one finishes",
  async (t) => {
    const fake = account(
      ids(1, 1200).map((id) => bill(id, "SENT")),
      (id) => ({ status: "success", zohoBillId: `${id}` }),
    );
    const first = run(fake);
    t.match(first.stopped, /^governance: \d units left$/, "stopped before a call it could not afford");
    t.ok(fake.state.remainingUsage >= 0 && fake.state.remainingUsage < 10, `${fake.state.remainingUsage} units left`);
    const delivered = () => fake.state.bills.filter((b) => b.fields.custbody_mw_status === "DELIVERED").length;
    t.equal(delivered(), first.delivered);
    t.ok(first.delivered > 900 && first.delivered < 1200, `${first.delivered} delivered in the first run`);
    const second = run(fake);
    t.equal(second.stopped, null);
    t.equal(delivered(), 1200, "every bill DELIVERED after two runs");
    t.equal(second.bills, 1200 - first.delivered, "the second run only reads what is still SENT");
  },
);

t.test("a failing status call stops the run without writing; bills stay SENT for the next run", async (t) => {
  const cases: [string, FakeNetSuite["state"]["responder"], RegExp][] = [
    ["503", () => ({ code: 503, body: '{"message":"Service Unavailable"}' }), /HTTP 503: Service Unavailable/],
    ["401", () => ({ code: 401, body: '{"message":"Missing or invalid API key"}' }), /HTTP 401/],
    ["not JSON", () => ({ code: 200, body: "<html>" }), /not JSON/],
    [
      "network",
      () => {
        throw new SuiteScriptError("SSS_REQUEST_TIME_EXCEEDED", "timed out");
      },
      /SSS_REQUEST_TIME_EXCEEDED/,
    ],
  ];
  for (const [what, responder, why] of cases) {
    const fake = account(
      ids(1, 150).map((id) => bill(id, "SENT")),
      outcomes,
    );
    fake.state.responder = responder;
    const report = run(fake);
    t.match(report.stopped, why, what);
    t.equal(report.calls, 1, `${what}: no second call after a failure`);
    t.equal(fake.state.submitted.length, 0, `${what}: nothing written`);
    t.ok(fake.state.logs.some((l) => l.level === "error" && l.title === "bill status sync stopped early"));
  }
});

t.test("bills the service does not know are counted and left alone", async (t) => {
  const fake = account([bill(1, "SENT"), bill(2, "SENT")], (id) => (id === 1 ? outcomes(1) : undefined));
  const report = run(fake);
  t.match(report, { notFound: 1, delivered: 1 });
  t.same(fake.state.bills[1]!.fields, { custbody_mw_status: "SENT", custbody_mw_txn_id: "tx-2" });
});

t.test(
  "the saved search 'Vendor bills not in Zoho' is created once and lists bills with a PDF not DELIVERED",
  async (t) => {
    const withPdf = (b: FakeBill, fileId: string): FakeBill => ({ ...b, fileIds: [fileId] });
    const fake = account(
      [withPdf(bill(1, "SENT"), "501"), withPdf(bill(2, "SENT"), "501"), withPdf(bill(3, "RETRY"), "501"), bill(4, "")],
      (id) => (id === 1 ? { status: "success", zohoBillId: "77" } : { status: "processing" }),
    );
    t.equal(run(fake).savedSearch, "created");
    const saved = fake.state.savedSearches[NOT_IN_ZOHO_SEARCH.id];
    t.match(saved, { title: "Vendor bills not in Zoho", isPublic: true });
    t.equal(run(fake).savedSearch, "exists", "not created twice");
    const search = fake.n.search.load({ id: NOT_IN_ZOHO_SEARCH.id });
    const paged = search.runPaged({ pageSize: 50 });
    const rows = paged.fetch({ index: 0 }).data.map((r) => r.id);
    t.same(rows, ["2", "3"], "bill 1 is DELIVERED and bill 4 has no PDF");
  },
);
