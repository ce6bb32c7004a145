/**
 * Vendors lookup: GET /contacts (contact_type, contact_name[_startswith|_contains], company_name,
 * search_text, paging) and GET /contacts/{id}, plus GET /organizations. Only the seeded vendors
 * exist; names compare case-insensitively, and two vendors may share a name, as Zoho allows.
 * @see https://www.zoho.com/books/api/v3/contacts/
 */
import type { FastifyPluginAsync } from "fastify";
import type { SimVendor } from "../options.ts";
import { organizationOf, sendZoho } from "../plugins/books-guard.ts";
import type { SimState } from "../state.ts";
import { ZohoErrors } from "../zoho-errors.ts";
import { isError, paginate, parsePage } from "./paging.ts";

export interface ContactsOptions {
  sim: SimState;
}

function contactView(v: SimVendor): Record<string, unknown> {
  return {
    contact_id: v.contactId,
    contact_name: v.contactName,
    vendor_name: v.contactName,
    company_name: v.companyName ?? "",
    contact_type: "vendor",
    status: "active",
    email: v.email ?? "",
    currency_code: "USD",
  };
}

const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : undefined);

export const contactsRoutes: FastifyPluginAsync<ContactsOptions> = async (app, { sim }) => {
  app.get("/organizations", { config: { zohoSimNoOrg: true } }, async () => ({
    code: 0,
    message: "success",
    organizations: [...sim.organizations.values()].map((o, i) => ({
      organization_id: o.organizationId,
      name: o.name,
      is_default_org: i === 0,
      currency_code: "USD",
      price_precision: 2,
    })),
  }));

  app.get("/contacts", async (request, reply) => {
    const org = organizationOf(sim, request)!;
    const q = request.query as Record<string, unknown>;
    const page = parsePage(q);
    if (isError(page)) return sendZoho(reply, page);
    const type = lower(q.contact_type);
    const name = lower(q.contact_name);
    const startsWith = lower(q.contact_name_startswith);
    const contains = lower(q.contact_name_contains);
    const company = lower(q.company_name);
    const search = lower(q.search_text);
    const rows = [...org.store.vendors.values()]
      .filter((v) => {
        const n = v.contactName.toLowerCase();
        if (type && type !== "vendor") return false;
        if (name !== undefined && n !== name) return false;
        if (startsWith !== undefined && !n.startsWith(startsWith)) return false;
        if (contains !== undefined && !n.includes(contains)) return false;
        if (company !== undefined && (v.companyName ?? "").toLowerCase() !== company) return false;
        if (search !== undefined && !n.includes(search)) return false;
        return true;
      })
      .sort((a, b) => a.contactName.localeCompare(b.contactName) || a.contactId.localeCompare(b.contactId))
      .map(contactView);
    const { rows: contacts, page_context } = paginate(rows, page, {
      applied_filter: "Status.All",
      sort_column: "contact_name",
      sort_order: "A",
    });
    return { code: 0, message: "success", contacts, page_context };
  });

  app.get<{ Params: { contact_id: string } }>("/contacts/:contact_id", async (request, reply) => {
    const org = organizationOf(sim, request)!;
    const vendor = org.store.vendors.get(request.params.contact_id);
    if (!vendor) return sendZoho(reply, ZohoErrors.contactNotFound());
    return { code: 0, message: "success", contact: contactView(vendor) };
  });
};
