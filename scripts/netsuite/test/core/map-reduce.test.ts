import t from "tap";
import { MAP_REDUCE_PARAMETER_PREFIX } from "../../ts/core/config.ts";
import { createMapReduce } from "../../ts/core/map-reduce.ts";
import { API_KEY, accepted, fakeAccount, mrParameters } from "../fakes/fixtures.ts";
import { runMapReduce } from "../fakes/map-reduce-driver.ts";
import { type FakeBill, pdfBytes, type SentRequest } from "../fakes/n-modules.ts";

const bill = (id: string, fileIds: string[], fields: Record<string, string> = {}): FakeBill => ({
  id,
  tranid: `INV-${id}`,
  transactionnumber: `VENDBILL${id}`,
  vendorName: `Vendor ${id}`,
  trandate: "2026-11-02",
  currency: "USD",
  fxamount: "-10.00",
  fileIds,
  fields,
});

function account() {
  const fake = fakeAccount({
    parameters: mrParameters(MAP_REDUCE_PARAMETER_PREFIX, { [`${MAP_REDUCE_PARAMETER_PREFIX}backoff_ms`]: 10 }),
    files: {
      "1": { name: "a.pdf", fileType: "PDF", size: 100, bytes: pdfBytes(100) },
      "2": { name: "b.pdf", fileType: "PDF", size: 100, bytes: pdfBytes(100) },
      "3": { name: "c.pdf", fileType: "PDF", size: 100, bytes: pdfBytes(100) },
      "4": { name: "scan.png", fileType: "PNGIMAGE", size: 100, bytes: new Uint8Array(100) },
      "5": { name: "d-old.pdf", fileType: "PDF", size: 100, bytes: pdfBytes(100) },
      "6": { name: "d-new.pdf", fileType: "PDF", size: 100, bytes: pdfBytes(100) },
      "7": { name: "huge.pdf", fileType: "PDF", size: 12_000_000, bytes: pdfBytes(100) },
      "8": { name: "e.pdf", fileType: "PDF", size: 100, bytes: pdfBytes(100) },
      "9": { name: "f.pdf", fileType: "PDF", size: 100, bytes: pdfBytes(100), denied: true },
    },
    bills: [
      bill("10", ["1"]), // new: 202
      bill("11", ["2"], { custbody_mw_status: "SENT", custbody_mw_txn_id: "tx-old" }), // done: not picked up
      bill("12", ["3"], { custbody_mw_status: "RETRY", custbody_mw_error: "HTTP 503" }), // retry: 409 now
      bill("13", []), // no file: not picked up
      bill("14", ["4"]), // only a PNG: not a candidate
      bill("15", ["6", "5", "4"]), // several files: newest PDF (6) is sent
      bill("16", ["7"]), // oversize: skipped
      bill("17", ["8"]), // service keeps failing: RETRY
      bill("18", ["9"]), // file cannot be opened: ERROR
      bill("19", ["2"], { custbody_mw_status: "CONFLICT" }), // needs a person: not picked up
    ],
  });
  fake.state.responder = (request: SentRequest) => {
    const body = JSON.parse(request.body ?? "{}");
    if (body.netsuiteBillId === "12") return { code: 409, body: JSON.stringify({ message: "different bytes" }) };
    if (body.netsuiteBillId === "17") return { code: 503, body: "{}" };
    return accepted(`tx-${body.netsuiteBillId}`);
  };
  return fake;
}

t.test("a full run sends each pending bill once and records every outcome on the bill", async (t) => {
  const fake = account();
  const run = runMapReduce(fake, createMapReduce(fake.n, fake.host));

  t.same(
    run.input.map((c) => (c as { billId: string }).billId),
    ["10", "12", "15", "16", "17", "18"],
    "bills with a PDF whose status is empty or RETRY",
  );
  t.same(run.mapErrors, [], "map never throws: failures become outcomes");
  t.same(run.reduceErrors, []);

  const fields = (id: string) => fake.state.bills.find((b) => b.id === id)!.fields;
  t.same(fields("10"), { custbody_mw_status: "SENT", custbody_mw_error: "", custbody_mw_txn_id: "tx-10" });
  t.match(fields("12"), { custbody_mw_status: "CONFLICT", custbody_mw_error: /content conflict/ });
  t.match(fields("15"), { custbody_mw_status: "SENT", custbody_mw_txn_id: "tx-15" });
  t.match(fields("16"), { custbody_mw_status: "SKIPPED", custbody_mw_error: /12000000 bytes, over the 10485760-byte/ });
  t.match(fields("17"), { custbody_mw_status: "RETRY", custbody_mw_error: /HTTP 503/ });
  t.match(fields("18"), {
    custbody_mw_status: "ERROR",
    custbody_mw_error: /cannot load file 9: INSUFFICIENT_PERMISSION/,
  });
  t.same(fields("11"), { custbody_mw_status: "SENT", custbody_mw_txn_id: "tx-old" }, "a sent bill is untouched");

  const posted = fake.state.requests.map((r) => JSON.parse(r.body!));
  t.equal(posted.filter((b) => b.netsuiteBillId === "15").length, 1);
  t.equal(posted.find((b) => b.netsuiteBillId === "15").fileName, "d-new.pdf", "the newest PDF of the bill");
  t.notOk(
    posted.some((b) => b.netsuiteBillId === "16"),
    "the oversize file is never posted",
  );
  t.equal(posted.filter((b) => b.netsuiteBillId === "17").length, 3, "503 retried up to max attempts");
  t.match(posted.find((b) => b.netsuiteBillId === "10").billDetails, {
    billNumber: "INV-10",
    referenceNumber: "VENDBILL10",
    vendorName: "Vendor 10",
    date: "2026-11-02",
    currencyCode: "USD",
    total: 10,
  });
  t.ok(
    fake.state.requests.every((r) => r.headers["x-api-key"] === API_KEY),
    "every request carries the key from the API Secret",
  );

  t.same((run.summary as { counts: unknown }).counts, {
    SENT: 2,
    RETRY: 1,
    CONFLICT: 1,
    REJECTED: 0,
    SKIPPED: 1,
    ERROR: 1,
  });
  const audit = fake.state.logs.find((l) => l.title === "bill delivery summary");
  t.match(audit?.details, /"SENT":2/);
  t.notOk(
    fake.state.logs.some((l) => l.details.includes(API_KEY)),
    "the key never reaches the execution log",
  );
});

t.test("a second run retries only what is left (RETRY), and the service answers idempotently", async (t) => {
  const fake = account();
  runMapReduce(fake, createMapReduce(fake.n, fake.host));
  fake.state.requests.length = 0;
  fake.state.responder = (request) => accepted(`tx-${JSON.parse(request.body!).netsuiteBillId}`, 200);
  const run = runMapReduce(fake, createMapReduce(fake.n, fake.host));
  t.same(
    run.input.map((c) => (c as { billId: string }).billId),
    ["17"],
  );
  t.match(fake.state.bills.find((b) => b.id === "17")!.fields, {
    custbody_mw_status: "SENT",
    custbody_mw_txn_id: "tx-17",
  });
});

t.test("map values carry file ids, never file contents", async (t) => {
  const fake = account();
  const run = runMapReduce(fake, createMapReduce(fake.n, fake.host));
  for (const element of run.input) t.ok(JSON.stringify(element).length < 1000);
  for (const [, value] of run.output) t.ok(value.length < 100);
});

t.test("getInputData stops paging cleanly when units run out; the rest waits for the next run", async (t) => {
  const fake = account();
  const run = runMapReduce(fake, createMapReduce(fake.n, fake.host), { inputUsage: 7 });
  t.same(run.input, [], "runPaged (5) fits, the first page fetch (5) does not");
  t.match(fake.state.logs.find((l) => l.title === "bills to send")?.details, /cut short by governance/);
  t.equal(fake.state.requests.length, 0);
});

t.test("a bad setup fails getInputData before any bill is touched, and summarize reports it", async (t) => {
  const fake = account();
  fake.state.parameters[`${MAP_REDUCE_PARAMETER_PREFIX}base_url`] = "http://insecure.example.com";
  const run = runMapReduce(fake, createMapReduce(fake.n, fake.host));
  t.same(run.input, []);
  t.equal(fake.state.requests.length, 0);
  t.match((run.summary as { errors: string[] }).errors, [/input: .*must be an https:\/\/ URL/]);
  t.ok(fake.state.logs.some((l) => l.level === "error" && /https:\/\//.test(l.details)));
});

t.test("a restarted map call posts again and logs it (the service deduplicates)", async (t) => {
  const fake = account();
  const script = createMapReduce(fake.n, fake.host);
  const writes: [string, string][] = [];
  const value = JSON.stringify({ billId: "10", fileId: "1", fileName: "a.pdf", bill: { billNumber: "INV-10" } });
  script.map({ key: "0", value, isRestarted: true, write: ((k: string, v: string) => writes.push([k, v])) as never });
  t.match(JSON.parse(writes[0]![1]), { status: "SENT" });
  t.ok(fake.state.logs.some((l) => l.title === "map restarted"));
});

t.test("reduce refuses to start a write it cannot afford (the error is reported, the bill resent later)", async (t) => {
  const fake = account();
  const script = createMapReduce(fake.n, fake.host);
  fake.state.remainingUsage = 5;
  const outcome = { billId: "10", status: "SENT", message: "ok", transactionId: "tx", attempts: 1 };
  t.throws(() => script.reduce({ key: "10", values: [JSON.stringify(outcome)], write: () => undefined }), /governance/);
  t.equal(fake.state.submitted.length, 0);
});
