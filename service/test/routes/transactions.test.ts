import t from "tap";
import { sql } from "../../../lib/db.ts";
import { API_KEY, billBody, build, pdf, post } from "../helper.ts";

t.test("GET /api/v1/transactions/:id", async (t) => {
  const { app } = await build(t, { PUBLIC_BASE_URL: "https://bills.example.com" });
  const get = (id: string, key = API_KEY) =>
    app.inject({ method: "GET", url: `/api/v1/transactions/${id}`, headers: { "x-api-key": key } });

  const created = await post(app, billBody(pdf(1024), { netsuiteBillId: "77001" }));
  const { transactionId, statusUrl } = created.json();
  t.equal(statusUrl, `https://bills.example.com/api/v1/transactions/${transactionId}`, "absolute with PUBLIC_BASE_URL");
  t.equal(created.headers.location, statusUrl);

  const res = await get(transactionId);
  t.equal(res.statusCode, 200);
  t.match(res.json(), {
    transactionId,
    netsuiteBillId: "77001",
    status: "pending",
    fileName: "INV-1001.pdf",
    fileSize: 1024,
    sha256: /^[0-9a-f]{64}$/,
    retryCount: 0,
    lastError: null,
    zohoBillId: null,
    createdAt: /^\d{4}-\d\d-\d\dT/,
    enqueuedAt: /^\d{4}-\d\d-\d\dT/,
    completedAt: null,
  });

  await app.db.query(sql.unsafe`
    UPDATE transactions SET status = 'failed', retry_count = 3, error_message = 'Zoho said no', zoho_bill_id = '46000',
      completed_at = now() WHERE id = ${transactionId}`);
  t.match((await get(transactionId)).json(), {
    status: "failed",
    retryCount: 3,
    lastError: "Zoho said no",
    zohoBillId: "46000",
    completedAt: String,
  });

  const missing = await get("00000000-0000-4000-8000-000000000000");
  t.equal(missing.statusCode, 404);
  t.match(missing.json(), { code: "ERR_NOT_FOUND", message: "Transaction not found" });
  t.equal((await get("not-a-uuid")).statusCode, 400);
  t.equal((await get(transactionId, "wrong")).statusCode, 401);
});
