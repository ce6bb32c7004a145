/**
 * Duplicate and conflicting bill ids (docs/hostile-inputs.md). netsuiteBillId is the idempotency
 * key: the same id with the same bytes is a retry (200, the first transaction, nothing written);
 * the same id with other bytes is 409 naming the existing transaction; racing requests store one.
 */
import t from "tap";
import { billBody, build, pdf, post } from "../helper.ts";
import { nothingLeft, rejected } from "./expect.ts";

const ONE = { objects: 1, rows: 1, messages: 1 };

t.test("a duplicate (same id, same bytes) is 200 with the first transaction and writes nothing", async (t) => {
  const { app, env } = await build(t);
  const body = billBody(pdf(2048), { netsuiteBillId: "48213" });
  const first = await post(app, body);
  t.equal(first.statusCode, 202);
  const id = first.json().transactionId;
  for (const [what, again] of [
    ["the identical request", body],
    ["another file name", { ...body, fileName: "renamed.pdf" }],
    ["another reference number", { ...body, referenceNumber: "INV-9999" }],
  ] as const) {
    const res = await post(app, again);
    t.equal(res.statusCode, 200, `${what}: 200`);
    t.equal(res.json().transactionId, id, `${what}: the first transaction`);
  }
  const legacy = await post(
    app,
    { netsuiteBillId: 48213, base64Data: body.base64Data },
    {},
    "/api/convert/base64-to-binary",
  );
  t.equal(legacy.statusCode, 200, "the legacy route with the numeric id 48213: same bill");
  t.equal(legacy.json().transactionId, id);
  await nothingLeft(t, app, env, "duplicates", ONE);
});

t.test("a conflict (same id, other bytes) is 409 ERR_BILL_CONFLICT naming the existing transaction", async (t) => {
  const { app, env } = await build(t);
  const first = await post(app, billBody(pdf(2048), { netsuiteBillId: "48214" }));
  const id = first.json().transactionId;
  for (const [what, res] of [
    ["v1", await post(app, billBody(pdf(2048), { netsuiteBillId: "48214" }))],
    [
      "legacy",
      await post(
        app,
        { netsuiteBillId: "48214", base64Data: pdf(64).toString("base64") },
        {},
        "/api/convert/base64-to-binary",
      ),
    ],
  ] as const) {
    rejected(t, res, 409, "ERR_BILL_CONFLICT", what);
    t.equal(res.json().transactionId, id, `${what}: names the existing transaction`);
  }
  await nothingLeft(t, app, env, "conflicts", ONE);
});

t.test("racing requests with one id and different bytes store exactly one bill", async (t) => {
  const { app, env } = await build(t);
  const answers = await Promise.all(
    Array.from({ length: 8 }, () => post(app, billBody(pdf(4096), { netsuiteBillId: "RACE-1" }))),
  );
  const codes = answers.map((r) => r.statusCode).sort();
  t.same(codes, [202, 409, 409, 409, 409, 409, 409, 409], "one 202, seven 409");
  const winner = answers.find((r) => r.statusCode === 202)?.json().transactionId;
  for (const r of answers.filter((a) => a.statusCode === 409)) t.equal(r.json().transactionId, winner);
  await nothingLeft(t, app, env, "a race", ONE);
});

t.test("racing identical requests answer one 202 and 200s with the same transaction", async (t) => {
  const { app, env } = await build(t);
  const body = billBody(pdf(4096), { netsuiteBillId: "RACE-2" });
  const answers = await Promise.all(Array.from({ length: 8 }, () => post(app, body)));
  t.same(answers.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 200, 200, 200, 202]);
  t.equal(new Set(answers.map((r) => r.json().transactionId)).size, 1, "one transaction");
  await nothingLeft(t, app, env, "identical racers", ONE);
});

t.test("ids that differ only in case or padding are different bills (ids are compared exactly)", async (t) => {
  const { app, env } = await build(t);
  const ids = ["ns-100", "NS-100", "NS-100.0", "0100"];
  for (const netsuiteBillId of ids) t.equal((await post(app, billBody(pdf(1024), { netsuiteBillId }))).statusCode, 202);
  rejected(
    t,
    await post(app, billBody(pdf(1024), { netsuiteBillId: " NS-100" })),
    400,
    "FST_ERR_VALIDATION",
    "a leading space",
  );
  const n = ids.length;
  await nothingLeft(t, app, env, "distinct ids", { objects: n, rows: n, messages: n });
});
