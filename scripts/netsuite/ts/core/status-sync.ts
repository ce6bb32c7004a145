/**
 * NetSuite learns the outcome. The scheduled script asks the service about the bills it sent (status
 * SENT, and FAILED ones an operator may still retry), one call per page of up to 100 bills, and writes
 * DELIVERED or FAILED, the Zoho bill id and the failure reason onto each vendor bill that changed.
 *
 * Units (scheduled script: 10,000 per run and 3,600 s; 2.x scheduled scripts cannot yield):
 * runPaged 5, PagedData.fetch 5 per 1,000 bills, https.post 10 per 100 bills, submitFields 10 per
 * bill whose fields change. Nothing is written for a bill that did not change, so checking 10,000
 * waiting bills costs 5 + 50 + 1,000 units. Every call is preceded by a budget check; what does not
 * fit is left for the next run (the bills stay SENT).
 * All ids are read before the first write: writing moves bills out of the search's results, and
 * paging a search while its rows drop out would skip bills.
 */

import { type ClientConfig, readConfig, SCHEDULED_PARAMETER_PREFIX } from "./config.ts";
import { describeError } from "./errors.ts";
import { type Budget, COST, createBudget, TIME_LIMIT_MS } from "./governance.ts";
import { buildStatusBatchRequest, STATUS_BATCH_SIZE } from "./ingest-request.ts";
import { BILL_FIELDS } from "./outcome.ts";
import { ensureNotInZohoSearch, type SavedSearchState } from "./saved-search.ts";
import { type BillFieldsNow, fieldUpdate, readStatusAnswer } from "./status-answer.ts";
import type { Host, NModules } from "./types.ts";

/** Statuses whose outcome the service may still change. */
export const AWAITING_STATUSES = ["SENT", "FAILED"] as const;

const SEARCH_PAGE_SIZE = 1000;

export function awaitingOutcomeFilters(): unknown[] {
  const statuses: unknown[] = [];
  for (const status of AWAITING_STATUSES) {
    if (statuses.length) statuses.push("OR");
    statuses.push([BILL_FIELDS.status, "is", status]);
  }
  return [["mainline", "is", "T"], "AND", [BILL_FIELDS.transactionId, "isnotempty", ""], "AND", statuses];
}

export interface StatusSyncReport {
  /** Bills waiting for an outcome that this run read. */
  bills: number;
  /** Status calls made (one per page of up to 100 bills). */
  calls: number;
  delivered: number;
  failed: number;
  /** Back to SENT (an operator retried a FAILED bill). */
  resent: number;
  /** The service does not know them (or they are not this key's to see). */
  notFound: number;
  /** Why the run stopped early, or null when it checked every bill. */
  stopped: string | null;
  /** The saved search "Vendor bills not in Zoho" (saved-search.ts). */
  savedSearch: SavedSearchState;
}

type SearchRow = { getValue(column: unknown): unknown };

/** Every waiting bill with its fields as they are now; truncated when the budget ran out first. */
function findAwaiting(n: Pick<NModules, "search">, budget: Budget): { bills: BillFieldsNow[]; truncated: boolean } {
  const c = {
    id: n.search.createColumn({ name: "internalid", sort: n.search.Sort.ASC }),
    status: n.search.createColumn({ name: BILL_FIELDS.status }),
    error: n.search.createColumn({ name: BILL_FIELDS.error }),
    zohoBillId: n.search.createColumn({ name: BILL_FIELDS.zohoBillId }),
  };
  const search = n.search.create({ type: "vendorbill", filters: awaitingOutcomeFilters(), columns: Object.values(c) });
  if (!budget.canSpend(COST.runPaged)) return { bills: [], truncated: true };
  const paged = search.runPaged({ pageSize: SEARCH_PAGE_SIZE });
  const bills: BillFieldsNow[] = [];
  for (const range of paged.pageRanges) {
    if (!budget.canSpend(COST.pageFetch + COST.httpsCall)) return { bills, truncated: true };
    for (const row of paged.fetch({ index: range.index }).data as unknown as SearchRow[]) {
      const value = (column: unknown) => String(row.getValue(column) ?? "");
      bills.push({
        billId: value(c.id),
        status: value(c.status),
        error: value(c.error),
        zohoBillId: value(c.zohoBillId),
      });
    }
  }
  return { bills, truncated: false };
}

interface BatchContext {
  readonly n: NModules;
  readonly config: ClientConfig;
  readonly budget: Budget;
  readonly host: Host;
  readonly report: StatusSyncReport;
}

/** One status call for up to 100 bills, then the writes it calls for. Returns why it stopped, or null. */
function syncBatch(ctx: BatchContext, batch: readonly BillFieldsNow[]): string | null {
  const { n, config, budget, host, report } = ctx;
  if (!budget.canSpend(COST.httpsCall)) return `governance: ${budget.remainingUnits()} units left`;
  if (!budget.canWaitThenCall(0)) return "time limit near";
  let answer: ReturnType<typeof readStatusAnswer>;
  try {
    report.calls++;
    const request = buildStatusBatchRequest(
      n,
      config,
      batch.map((b) => b.billId),
      host.now(),
    );
    answer = readStatusAnswer(n.https.post(request));
  } catch (err) {
    return `status call failed: ${describeError(err)}`;
  }
  if (!answer.ok) return `status call failed: ${answer.error}`;
  report.notFound += answer.notFound.length;
  for (const bill of batch) {
    const service = answer.byBillId.get(bill.billId);
    const values = service ? fieldUpdate(bill, service) : null;
    if (!values) continue;
    if (!budget.canSpend(COST.submitFields)) return `governance: ${budget.remainingUnits()} units left`;
    n.record.submitFields({
      type: n.record.Type.VENDOR_BILL,
      id: bill.billId,
      values,
      options: { enableSourcing: false, ignoreMandatoryFields: true },
    });
    const status = values[BILL_FIELDS.status];
    if (status === "DELIVERED") report.delivered++;
    else if (status === "FAILED") report.failed++;
    else report.resent++;
  }
  return null;
}

export function createStatusSync(n: NModules, host: Host) {
  function execute(): StatusSyncReport {
    const config = readConfig(n.runtime, SCHEDULED_PARAMETER_PREFIX);
    const budget = createBudget(n, host, { reserveUnits: 0, timeLimitMs: TIME_LIMIT_MS.scheduled });
    const savedSearch = ensureNotInZohoSearch(n, budget);
    const report: StatusSyncReport = {
      savedSearch,
      bills: 0,
      calls: 0,
      delivered: 0,
      failed: 0,
      resent: 0,
      notFound: 0,
      stopped: null,
    };
    const { bills, truncated } = findAwaiting(n, budget);
    report.bills = bills.length;
    for (let i = 0; i < bills.length && report.stopped === null; i += STATUS_BATCH_SIZE) {
      report.stopped = syncBatch({ n, config, budget, host, report }, bills.slice(i, i + STATUS_BATCH_SIZE));
    }
    if (report.stopped === null && truncated) report.stopped = `governance: search cut short`;
    if (report.stopped) n.log.error({ title: "bill status sync stopped early", details: report.stopped });
    n.log.audit({ title: "bill status sync", details: JSON.stringify(report) });
    return report;
  }
  return { execute };
}
