import t from "tap";
import { books, mintToken, startSim } from "../helper.ts";

t.test("vendor lookup by exact name (case-insensitive) returns the seeded vendor with its stable id", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const res = await books(sim, "/contacts", {
    token,
    query: { contact_type: "vendor", contact_name: "acme supplies" },
  });
  t.equal(res.status, 200);
  t.match(res.body, {
    code: 0,
    contacts: [{ contact_id: "460000000000101", contact_name: "Acme Supplies", contact_type: "vendor" }],
    page_context: { page: 1, per_page: 200, has_more_page: false },
  });
  t.equal((res.body.contacts as unknown[]).length, 1);
});

t.test("two vendors may share a name; other filters and types", async (t) => {
  const sim = await startSim(t);
  const token = await mintToken(sim);
  const dup = await books(sim, "/contacts", {
    token,
    query: { contact_type: "vendor", contact_name: "Duplicate Name Vendor" },
  });
  t.equal((dup.body.contacts as unknown[]).length, 2);
  const starts = await books(sim, "/contacts", { token, query: { contact_name_startswith: "Glo" } });
  t.match(starts.body.contacts, [{ contact_id: "460000000000102" }]);
  const customers = await books(sim, "/contacts", { token, query: { contact_type: "customer" } });
  t.same(customers.body.contacts, []);
  const one = await books(sim, "/contacts/460000000000103", { token });
  t.match(one.body.contact, { contact_name: "Initech LLC" });
  t.equal((await books(sim, "/contacts/1", { token })).status, 404);
});

t.test("vendors come from options", async (t) => {
  const sim = await startSim(t, { vendors: [{ contactId: "77", contactName: "Only Vendor" }] });
  const token = await mintToken(sim);
  const all = await books(sim, "/contacts", { token, query: { contact_type: "vendor" } });
  t.match(all.body.contacts, [{ contact_id: "77", contact_name: "Only Vendor" }]);
  t.equal((all.body.contacts as unknown[]).length, 1);
});
