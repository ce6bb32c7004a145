/**
 * The saved search "Vendor bills not in Zoho": every vendor bill with a PDF whose status is not
 * DELIVERED, with its status, reason and ids, for the finance team's own follow-up in NetSuite.
 *
 * It is created by code, not shipped as Objects/customsearch_*.xml: SDF stores a saved search's
 * criteria as an opaque, hashed and gzipped <definition> that only `suitecloud object:import` can
 * produce (a hand-written one fails project:deploy). The status script makes sure it exists on each
 * run (search.load 5 units; Search.save 5 units the first time), so its criteria are these filters,
 * which the tests run against the fake search. To keep it in the project afterwards:
 * `suitecloud object:import --type savedsearch --scriptid customsearch_mw_bills_not_in_zoho`.
 * Oracle: "Custom saved searches can be created and managed only by using NetSuite. After custom
 * saved searches are created, they can be imported into a SuiteCloud project." (Saved Searches as
 * XML Definitions, https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156579693093.html)
 */
import { describeError } from "./errors.ts";
import { type Budget, COST } from "./governance.ts";
import { BILL_FIELDS } from "./outcome.ts";
import type { NModules } from "./types.ts";

export const NOT_IN_ZOHO_SEARCH = {
  id: "customsearch_mw_bills_not_in_zoho",
  title: "Vendor bills not in Zoho",
} as const;

/** Bills with an attached PDF (one row per file) whose status is empty or anything but DELIVERED. */
export function notInZohoFilters(): unknown[] {
  return [
    ["mainline", "is", "T"],
    "AND",
    ["file.internalid", "noneof", "@NONE@"],
    "AND",
    [[BILL_FIELDS.status, "isempty", ""], "OR", [BILL_FIELDS.status, "isnot", "DELIVERED"]],
  ];
}

function notInZohoColumns(search: NModules["search"]) {
  return [
    search.createColumn({ name: "internalid", sort: search.Sort.ASC }),
    search.createColumn({ name: "tranid" }),
    search.createColumn({ name: "entity" }),
    search.createColumn({ name: "fxamount" }),
    search.createColumn({ name: BILL_FIELDS.status }),
    search.createColumn({ name: BILL_FIELDS.error }),
    search.createColumn({ name: BILL_FIELDS.transactionId }),
  ];
}

export type SavedSearchState = "exists" | "created" | "skipped";

/** Creates the saved search when the account does not have it yet; never throws. */
export function ensureNotInZohoSearch(n: Pick<NModules, "search" | "log">, budget: Budget): SavedSearchState {
  if (!budget.canSpend(COST.searchLoad + COST.searchSave)) return "skipped";
  try {
    n.search.load({ id: NOT_IN_ZOHO_SEARCH.id });
    return "exists";
  } catch {
    // Not there yet (or not visible to this role): create it below.
  }
  try {
    n.search
      .create({
        type: "vendorbill",
        id: NOT_IN_ZOHO_SEARCH.id,
        title: NOT_IN_ZOHO_SEARCH.title,
        isPublic: true,
        filters: notInZohoFilters(),
        columns: notInZohoColumns(n.search),
      })
      .save();
    return "created";
  } catch (err) {
    n.log.error({ title: `cannot create the saved search ${NOT_IN_ZOHO_SEARCH.id}`, details: describeError(err) });
    return "skipped";
  }
}
