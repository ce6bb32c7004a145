/**
 * POST /api/v1/transactions/status: the status, Zoho bill id, failure reason and updated time of up
 * to 100 bills per call, by NetSuite bill id, in the order asked; unknown ids listed apart.
 */
import t from "tap";
import {
  findByNetsuiteBillId,
  markDelivered,
  markDeliveryFailed,
  markRetryScheduled,
} from "../../../lib/transactions.ts";
import { API_KEY, billBody, build, nothingWritten, pdf, post, signedHeaders } from "../helper.ts";
import { rejected } from "../hostile/expect.ts";

const URL = "/api/v1/transactions/status";
const TARGET = { method: "POST", url: URL };

function lookup(app: Awaited<ReturnType<typeof build>>["app"], body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: "POST",
    url: URL,
    headers: { "content-type": "application/json", "x-api-key": API_KEY, ...headers },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
}

t.test("per id: status, Zoho bill id, failure reason and updated time, in the order asked", async (t) => {
  const { app } = await build(t);
  for (const id of ["NS-a", "NS-b", "NS-c", "NS-d"]) {
    t.equal((await post(app, billBody(pdf(1024), { netsuiteBillId: id }))).statusCode, 202);
  }
  const row = async (id: string) => (await findByNetsuiteBillId(app.db, id))!;
  const [a, b, c] = [await row("NS-a"), await row("NS-b"), await row("NS-c")];
  await markDelivered(app.db, a.id, "460000000012345", null);
  await markDeliveryFailed(app.db, b.id, "unmapped NetSuite account 58 (6010 Office Supplies)");
  await markRetryScheduled(app.db, c.id, "Zoho answered 500; retrying");

  const res = await lookup(app, { netsuiteBillIds: ["NS-c", "NS-zz", "NS-a", "NS-b", "NS-d"] });
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  t.same(body.notFound, ["NS-zz"]);
  t.same(
    body.transactions.map((x: { netsuiteBillId: string }) => x.netsuiteBillId),
    ["NS-c", "NS-a", "NS-b", "NS-d"],
  );
  const [pendingC, deliveredA, failedB, pendingD] = body.transactions;
  t.same(Object.keys(deliveredA).sort(), [
    "failureReason",
    "netsuiteBillId",
    "status",
    "transactionId",
    "updatedAt",
    "zohoBillId",
  ]);
  t.match(deliveredA, { transactionId: a.id, status: "success", zohoBillId: "460000000012345", failureReason: null });
  t.match(failedB, {
    transactionId: b.id,
    status: "failed",
    zohoBillId: null,
    failureReason: "unmapped NetSuite account 58 (6010 Office Supplies)",
  });
  t.match(pendingC, { status: "pending", failureReason: null }, "a retry's transient error is not a failure");
  t.match(pendingD, { status: "pending", zohoBillId: null, failureReason: null });
  t.ok(Math.abs(Date.parse(deliveredA.updatedAt) - Date.now()) < 60_000, "updatedAt is the row's, ISO 8601");
});

t.test("100 ids are one call; none, 101, duplicates, a bad id or unknown fields are 400", async (t) => {
  const { app, env } = await build(t);
  const hundred = Array.from({ length: 100 }, (_, i) => `NS-${i}`);
  const res = await lookup(app, { netsuiteBillIds: hundred });
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json(), { transactions: [], notFound: hundred });
  const cases: [string, unknown][] = [
    ["no ids", { netsuiteBillIds: [] }],
    ["101 ids", { netsuiteBillIds: [...hundred, "NS-100"] }],
    ["a duplicate id", { netsuiteBillIds: ["NS-1", "NS-1"] }],
    ["an id with a path separator", { netsuiteBillIds: ["../x"] }],
    ["SQL as an id", { netsuiteBillIds: ["1' OR '1'='1"] }],
    ["ids as a string", { netsuiteBillIds: "NS-1" }],
    ["a numeric id", { netsuiteBillIds: [48213] }],
    ["an unknown field", { netsuiteBillIds: ["NS-1"], apiKeyName: "other" }],
    ["no body", {}],
  ];
  for (const [what, body] of cases) rejected(t, await lookup(app, body), 400, "FST_ERR_VALIDATION", what);
  t.same(await nothingWritten(app, env), { objects: 0, rows: 0, messages: 0 }, "a lookup writes nothing");
});

t.test("a key sees its own group's bills only: another group's are not found, like unknown ids", async (t) => {
  const { app } = await build(t);
  t.equal((await post(app, billBody(pdf(1024), { netsuiteBillId: "NS-mine" }))).statusCode, 202);
  const payload = JSON.stringify({ netsuiteBillIds: ["NS-mine"] });
  const own = await lookup(app, payload);
  t.same(
    own.json().transactions.map((x: { netsuiteBillId: string }) => x.netsuiteBillId),
    ["NS-mine"],
  );
  const other = await lookup(app, payload, signedHeaders(payload, undefined, undefined, TARGET));
  t.equal(other.statusCode, 200, other.body);
  t.same(other.json(), { transactions: [], notFound: ["NS-mine"] }, "the signed key is another group");
});

t.test("the NetSuite key guards it: 401 without a key; a signing key must sign method, path and body", async (t) => {
  const { app } = await build(t);
  const payload = JSON.stringify({ netsuiteBillIds: ["NS-1"] });
  rejected(t, await lookup(app, payload, { "x-api-key": "" }), 401, "ERR_UNAUTHORIZED", "no key");
  rejected(
    t,
    await lookup(app, payload, { "x-api-key": "wrong-key-000000000000000000000000" }),
    401,
    "ERR_UNAUTHORIZED",
    "a wrong key",
  );
  const signed = await lookup(app, payload, signedHeaders(payload, undefined, undefined, TARGET));
  t.equal(signed.statusCode, 200, signed.body);
  const forBills = signedHeaders(payload); // signed for POST /api/v1/bills
  rejected(t, await lookup(app, payload, forBills), 401, "ERR_BAD_SIGNATURE", "a signature for another route");
  const bad = { ...signedHeaders(payload, undefined, undefined, TARGET), "webhook-signature": "v1,AAAA" };
  rejected(t, await lookup(app, payload, bad), 401, "ERR_BAD_SIGNATURE", "a bad signature");
});
