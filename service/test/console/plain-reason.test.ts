/** service/src/console/plain-reason.ts: the clerk's words for the worker's failure texts. */
import t from "tap";
import { plainReason } from "../../src/console/plain-reason.ts";

const of = (error: string | null, zoho: { status?: number; code?: number; message?: string } = {}) =>
  plainReason({
    error,
    zohoStatus: zoho.status ?? null,
    zohoCode: zoho.code ?? null,
    zohoMessage: zoho.message ?? null,
  }).kind;

t.test("each failure the worker writes gets its plain reason", async (t) => {
  t.equal(of("Zoho rejected books.bills.create: Invalid value passed for vendor_id (HTTP 400, code 1002)"), "vendor");
  t.equal(of('unknown vendor: no active Zoho Books vendor named "Acme"'), "vendor");
  t.equal(
    of("Zoho rejected books.bills.create: A bill with this number has already been created for this vendor."),
    "duplicate",
  );
  t.equal(of("no mapping for NetSuite account 118 (Office supplies)"), "mapping");
  t.equal(of("lines add up to 90.00 but the total is 100.00"), "amount");
  t.equal(of("Zoho refused a freshly refreshed access token (401)", { status: 401 }), "credentials");
  t.equal(of("gave up after 5 attempts: Zoho books.bills.create answered 503: down"), "unavailable");
  t.equal(of("Zoho rejected books.bills.create: something new (HTTP 422, code 9)", { status: 422 }), "data");
  t.equal(of(null), "other");
});
