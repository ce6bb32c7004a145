/**
 * The client sends the bill's lines, tax, currency and exchange rate read from the record (one
 * record.load, 10 units, whatever the line count), in the shape the service's contract accepts
 * (lib/bill-checks.ts parseBillTarget runs on what goes on the wire).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { parseBillTarget } from "../../../../lib/bill-checks.ts";
import { money } from "../../ts/core/bill-lines.ts";
import { sendBill } from "../../ts/core/send-bill.ts";
import { accepted, CANDIDATE, CONFIG, eurAccount, fakeAccount, mapBudget } from "../fakes/fixtures.ts";
import type { FakeLine } from "../fakes/loaded-record.ts";
import type { FakeNetSuite } from "../fakes/n-modules.ts";

const README = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "README.md");

function send(fake: FakeNetSuite) {
  fake.state.responder = () => accepted("tx-lines");
  const outcome = sendBill({ n: fake.n, config: CONFIG, budget: mapBudget(fake), host: fake.host }, CANDIDATE);
  const body = fake.state.requests[0]?.body;
  return { outcome, posted: body === undefined ? undefined : JSON.parse(body) };
}

t.test(
  "three expense lines, tax and EUR go out as the README's sample, and the service's rules accept them",
  async (t) => {
    const fake = eurAccount();
    const { outcome, posted } = send(fake);
    t.match(outcome, { status: "SENT", transactionId: "tx-lines" });
    const sample = /<!-- sample-payload -->\n```json\n([\s\S]*?)\n```/.exec(readFileSync(README, "utf8"))?.[1];
    t.ok(sample, "the README has the sample payload block");
    t.same(
      { ...posted, base64Data: "JVBERi0xLjcK..." },
      JSON.parse(sample ?? "{}"),
      "README sample = what the client sends",
    );
    t.same(posted.billDetails.expenseLines[2].taxAmount, 28.5, "NetSuite's binary noise is gone");
    const target = parseBillTarget({
      referenceNumber: posted.billDetails.referenceNumber,
      details: posted.billDetails,
    });
    t.equal(target.details?.expenseLines?.length, 3, "lib/bill-checks.ts accepts the payload");
    t.same(fake.state.loaded, ["101"]);
  },
);

t.test("item lines carry item, quantity, rate and amount; empty segments are left out", async (t) => {
  const fake = fakeAccount();
  const line: FakeLine = {
    item: { value: "900", text: "Toner XL" },
    quantity: 3,
    rate: 33.33,
    amount: 99.99,
    description: "Black",
    department: "",
    class: "",
    location: "",
    taxcode: "",
    tax1amt: "",
  };
  fake.state.bills[0]!.record = { body: { usertotal: 99.99, currencysymbol: "USD", exchangerate: 1 }, item: [line] };
  const { posted } = send(fake);
  t.same(posted.billDetails.itemLines, [
    { item: { id: "900", name: "Toner XL" }, quantity: 3, rate: 33.33, amount: 99.99, description: "Black" },
  ]);
  t.notOk("expenseLines" in posted.billDetails, "no expense sublist lines, no key");
  t.notOk("taxTotal" in posted.billDetails, "SuiteTax or untaxed: no tax fields are invented");
  t.match(posted.billDetails, { total: 99.99, currencyCode: "USD", exchangeRate: 1 });
  t.ok(parseBillTarget({ details: posted.billDetails }).details);
});

t.test("a bill with only a body total (no lines on the record) keeps today's payload", async (t) => {
  const { posted } = send(fakeAccount());
  t.same(posted.billDetails, CANDIDATE.bill, "nothing added when the record has nothing");
});

t.test("a value that is not a number (a discount's '-10%' rate) goes as null for the service to refuse", async (t) => {
  const fake = fakeAccount();
  fake.state.bills[0]!.record = {
    item: [{ item: { value: "5", text: "Discount" }, quantity: 1, rate: "-10%", amount: -10 }],
  };
  const { posted } = send(fake);
  t.same(posted.billDetails.itemLines[0].rate, null);
  t.equal(posted.billDetails.itemLines[0].amount, -10, "negative amounts are sent as they are; the service says 400");
});

t.test("one record.load per bill, whatever the line count: 500 lines cost 10 units", async (t) => {
  const fake = eurAccount();
  const line = EXPENSE(1);
  fake.state.bills[0]!.record = { body: { usertotal: 500 }, expense: Array.from({ length: 500 }, () => line) };
  const { outcome, posted } = send(fake);
  t.equal(outcome.status, "SENT");
  t.equal(posted.billDetails.expenseLines.length, 500);
  t.equal(fake.state.remainingUsage, 1000 - 30, "record.load 10 + file.load 10 + https.post 10");
});

t.test("a bill record that cannot be loaded is ERROR and nothing is sent", async (t) => {
  const fake = fakeAccount();
  (fake.n.record as { load: unknown }).load = () => {
    throw Object.assign(new Error("You do not have permission"), { name: "INSUFFICIENT_PERMISSION" });
  };
  const { outcome, posted } = send(fake);
  t.match(outcome, { status: "ERROR", attempts: 0 });
  t.match(outcome.message, /cannot load vendor bill 101: INSUFFICIENT_PERMISSION/);
  t.equal(posted, undefined);
});

t.test("money() keeps every real amount and drops only float noise", async (t) => {
  t.equal(money(28.499999999999996), 28.5);
  t.equal(money(0.1 + 0.2), 0.3);
  t.equal(money(9_999_999_999_999.99), 9_999_999_999_999.99);
  t.equal(money("1250.50"), 1250.5);
  t.equal(money(""), undefined);
  t.equal(money(null), undefined);
  t.equal(money("-10%"), undefined);
});

function EXPENSE(amount: number): FakeLine {
  return { account: { value: "58", text: "6010 Office Supplies" }, amount, memo: "" };
}
