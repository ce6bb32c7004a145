/**
 * Finds vendor bills with an attached PDF. One transaction search on the body line (mainline T)
 * joined to attached files ("file" join, one row per file), sorted by bill then file id so that
 * paging is stable. A bill with several PDFs sends the most recently attached one (highest id).
 * Search files: netsuite.md §6; the file join and its column values are checked again after
 * file.load (File.fileType and File.size are authoritative).
 */
import { COST } from "./governance.ts";
import type { BillDetails } from "./ingest-request.ts";
import { BILL_FIELDS, RETRY_STATUSES } from "./outcome.ts";
import type { NModules } from "./types.ts";

/** What map receives for one bill (small: file id, never file contents). */
export interface BillCandidate {
  readonly billId: string;
  readonly fileId: string;
  readonly fileName: string;
  readonly bill: BillDetails;
}

type SearchModule = NModules["search"];
type Column = ReturnType<SearchModule["createColumn"]>;

const PAGE_SIZE = 1000;

function columns(search: SearchModule) {
  return {
    billId: search.createColumn({ name: "internalid", sort: search.Sort.ASC }),
    tranId: search.createColumn({ name: "tranid" }),
    transactionNumber: search.createColumn({ name: "transactionnumber" }),
    vendor: search.createColumn({ name: "entity" }),
    // Dates as ISO text whatever the user's date preference is.
    date: search.createColumn({ name: "formulatext", formula: "TO_CHAR({trandate},'YYYY-MM-DD')" }),
    dueDate: search.createColumn({ name: "formulatext", formula: "TO_CHAR({duedate},'YYYY-MM-DD')" }),
    currency: search.createColumn({ name: "symbol", join: "currency" }),
    total: search.createColumn({ name: "fxamount" }),
    fileId: search.createColumn({ name: "internalid", join: "file", sort: search.Sort.ASC }),
    fileName: search.createColumn({ name: "name", join: "file" }),
    fileType: search.createColumn({ name: "filetype", join: "file" }),
  };
}

type Columns = ReturnType<typeof columns>;

export function pendingBillFilters(): unknown[] {
  const statusOpen: unknown[] = [[BILL_FIELDS.status, "isempty", ""]];
  for (const status of RETRY_STATUSES) statusOpen.push("OR", [BILL_FIELDS.status, "is", status]);
  return [["mainline", "is", "T"], "AND", ["file.internalid", "noneof", "@NONE@"], "AND", statusOpen];
}

export function oneBillFilters(billId: string): unknown[] {
  return [
    ["mainline", "is", "T"],
    "AND",
    ["internalid", "anyof", billId],
    "AND",
    ["file.internalid", "noneof", "@NONE@"],
  ];
}

function isPdf(fileType: string, fileName: string): boolean {
  // The file join's filetype value/text format is not documented; File.fileType is checked after load.
  return /pdf/i.test(fileType) || /\.pdf$/i.test(fileName);
}

interface Row {
  getValue(column: Column): unknown;
  getText(column: Column): string;
}

function toCandidate(row: Row, c: Columns): BillCandidate | undefined {
  const value = (column: Column) => {
    const v = row.getValue(column);
    return v === null || v === undefined ? "" : String(v).trim();
  };
  const billId = value(c.billId);
  const fileId = value(c.fileId);
  const fileName = value(c.fileName);
  if (!billId || !fileId || !isPdf(row.getText(c.fileType) || value(c.fileType), fileName)) return undefined;

  const total = Number(value(c.total));
  const vendorName = row.getText(c.vendor).trim();
  const bill: BillDetails = {
    billNumber: value(c.tranId) || value(c.transactionNumber) || `NS-${billId}`,
    referenceNumber: value(c.transactionNumber) || `NS-${billId}`,
    ...(vendorName ? { vendorName } : {}),
    ...(/^\d{4}-\d{2}-\d{2}$/.test(value(c.date)) ? { date: value(c.date) } : {}),
    ...(/^\d{4}-\d{2}-\d{2}$/.test(value(c.dueDate)) ? { dueDate: value(c.dueDate) } : {}),
    ...(/^[A-Z]{3}$/.test(value(c.currency)) ? { currencyCode: value(c.currency) } : {}),
    // The body line of a payable can carry a negative amount; the bill total is its magnitude.
    ...(value(c.total) !== "" && Number.isFinite(total) ? { total: Math.abs(total) } : {}),
  };
  return { billId, fileId, fileName: fileName || `bill-${billId}.pdf`, bill };
}

export interface FindOptions {
  /** Called before each unit-costing call; return false to stop early (rest left for next run). */
  readonly canSpend: (units: number) => boolean;
}

export interface FindResult {
  readonly candidates: BillCandidate[];
  /** True when the search was cut short by the governance budget. */
  readonly truncated: boolean;
}

/** Runs the search page by page and keeps one PDF (the newest) per bill. */
export function findBills(n: Pick<NModules, "search">, filters: unknown[], options: FindOptions): FindResult {
  const c = columns(n.search);
  const search = n.search.create({ type: "vendorbill", filters, columns: Object.values(c) });
  if (!options.canSpend(COST.runPaged)) return { candidates: [], truncated: true };
  const paged = search.runPaged({ pageSize: PAGE_SIZE });
  const byBill = new Map<string, BillCandidate>();
  let truncated = false;
  for (const range of paged.pageRanges) {
    if (!options.canSpend(COST.pageFetch)) {
      truncated = true;
      break;
    }
    for (const row of paged.fetch({ index: range.index }).data) {
      const candidate = toCandidate(row as unknown as Row, c);
      // Rows arrive sorted by file id, so a later row for the same bill is a newer file.
      if (candidate) byBill.set(candidate.billId, candidate);
    }
  }
  return { candidates: [...byBill.values()], truncated };
}
