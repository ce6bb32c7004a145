/**
 * Keys and tenants (docs/security.md): a transaction is readable only by the key group that sent
 * it; another group's duplicate gets a 409 that names no transaction of the first group.
 */
import { createHash } from "node:crypto";
import t from "tap";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";
import { billBody, build, pdf, post } from "../helper.ts";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const KEY_A = "tenant-a-key-0123456789abcdef0123456789";
const KEY_A_NEXT = "tenant-a-next-0123456789abcdef01234567";
const KEY_B = "tenant-b-key-0123456789abcdef0123456789";
const API_KEYS = JSON.stringify([
  { name: "acme-2026", group: "acme", sha256: sha(KEY_A) },
  { name: "acme-2027", group: "acme", sha256: sha(KEY_A_NEXT) },
  { name: "globex", sha256: sha(KEY_B) },
]);

t.test("transactions belong to the key group that sent them", async (t) => {
  const { app } = await build(t, { API_KEYS });
  const bill = billBody(pdf(2048));
  const created = await post(app, bill, { "x-api-key": KEY_A });
  t.equal(created.statusCode, 202, created.body);
  const id = created.json().transactionId as string;
  const read = (key: string) =>
    app.inject({ method: "GET", url: `/api/v1/transactions/${id}`, headers: { "x-api-key": key } });

  t.equal((await read(KEY_A)).statusCode, 200, "the sending key");
  t.equal((await read(KEY_A_NEXT)).statusCode, 200, "its rotation successor in the same group");
  const foreign = await read(KEY_B);
  t.equal(foreign.statusCode, 404, "another group: the same 404 as an unknown id");
  const unknown = await app.inject({
    method: "GET",
    url: "/api/v1/transactions/00000000-0000-4000-8000-000000000000",
    headers: { "x-api-key": KEY_B },
  });
  t.same(
    { ...foreign.json(), requestId: "" },
    { ...unknown.json(), requestId: "" },
    "indistinguishable from a missing id",
  );
  const group = await app.db.oneFirst(
    sql.type(z.object({ g: z.string().nullable() }))`SELECT api_key_group AS g FROM transactions WHERE id = ${id}`,
  );
  t.equal(group, "acme", "the group is stored on the row");

  t.test("409 for another group's bill names no transaction", async (t) => {
    for (const [what, body] of [
      ["same bytes", bill],
      ["other bytes", { ...billBody(pdf(2048)), netsuiteBillId: bill.netsuiteBillId }],
    ] as const) {
      const res = await post(app, body, { "x-api-key": KEY_B });
      t.equal(res.statusCode, 409, `${what}: ${res.body}`);
      t.equal(res.json().code, "ERR_BILL_CONFLICT");
      t.notOk(res.body.includes(id), `${what}: the other group's transaction id is not in the body`);
      t.notOk("transactionId" in res.json(), `${what}: no transactionId field`);
    }
  });

  t.test("the owning group still gets its own id back", async (t) => {
    const retry = await post(app, bill, { "x-api-key": KEY_A_NEXT });
    t.equal(retry.statusCode, 200, "an idempotent retry from the same group");
    t.equal(retry.json().transactionId, id);
    const changed = await post(
      app,
      { ...billBody(pdf(2048)), netsuiteBillId: bill.netsuiteBillId },
      {
        "x-api-key": KEY_A,
      },
    );
    t.equal(changed.statusCode, 409);
    t.equal(changed.json().transactionId, id, "its own conflict names its own transaction");
  });
});
