/**
 * The fake N/search: evaluates the filter expressions the client uses (and rejects any other), one
 * row per attached file when the search joins files (else one per bill), sorted by id; saved
 * searches by script id; unit costs charged per Oracle's table.
 */
import { SuiteScriptError } from "./errors.ts";
import { COSTS, type Column, CUSTOM_BODY_FIELDS, charge, type FakeState, type Row } from "./state.ts";

/** Evaluates the filter expressions the client builds; anything else throws. */
function matches(row: Row, filter: unknown): boolean {
  if (!Array.isArray(filter)) throw new Error(`bad filter ${JSON.stringify(filter)}`);
  if (filter.length === 0) return true;
  if (typeof filter[0] === "string" && typeof filter[1] === "string" && filter[1] !== "AND" && filter[1] !== "OR") {
    const [field, operator, value] = filter as [string, string, string];
    const { bill, fileId } = row;
    if (field === "mainline" && operator === "is") return value === "T";
    if (field === "file.internalid" && operator === "noneof" && value === "@NONE@") return fileId !== "";
    if (field === "internalid" && operator === "anyof") return bill.id === String(value);
    if (CUSTOM_BODY_FIELDS.includes(field) && operator === "isempty") return !bill.fields[field];
    if (CUSTOM_BODY_FIELDS.includes(field) && operator === "is") return bill.fields[field] === value;
    if (CUSTOM_BODY_FIELDS.includes(field) && operator === "isnot") return (bill.fields[field] ?? "") !== value;
    if (CUSTOM_BODY_FIELDS.includes(field) && operator === "isnotempty") return !!bill.fields[field];
    throw new Error(`fake search does not know filter ${JSON.stringify(filter)}`);
  }
  // [expr, "AND"|"OR", expr, ...]
  let result = matches(row, filter[0]);
  for (let i = 1; i < filter.length; i += 2) {
    const op = filter[i];
    const next = matches(row, filter[i + 1]);
    if (op === "AND") result = result && next;
    else if (op === "OR") result = result || next;
    else throw new Error(`bad logical operator ${String(op)}`);
  }
  return result;
}

function columnValue(state: FakeState, row: Row, column: Column): string {
  const { bill, fileId } = row;
  const file = state.files[fileId];
  const key = `${column.join ?? ""}.${column.name}`;
  switch (key) {
    case ".internalid":
      return bill.id;
    case ".tranid":
      return bill.tranid ?? "";
    case ".transactionnumber":
      return bill.transactionnumber ?? "";
    case ".entity":
      return bill.vendorId ?? "";
    case ".fxamount":
      return bill.fxamount ?? "";
    case ".formulatext":
      if (column.formula === "TO_CHAR({trandate},'YYYY-MM-DD')") return bill.trandate ?? "";
      if (column.formula === "TO_CHAR({duedate},'YYYY-MM-DD')") return bill.duedate ?? "";
      throw new Error(`fake search does not know formula ${column.formula}`);
    case "currency.symbol":
      return bill.currency ?? "";
    case "file.internalid":
      return fileId;
    case "file.name":
      return file?.name ?? "";
    case "file.filetype":
      return file?.fileType === "PDF" ? "pdf" : (file?.fileType ?? "").toLowerCase();
    default:
      if (!column.join && CUSTOM_BODY_FIELDS.includes(column.name)) return bill.fields[column.name] ?? "";
      throw new Error(`fake search does not know column ${key}`);
  }
}

function columnText(state: FakeState, row: Row, column: Column): string {
  if (!column.join && column.name === "entity") return row.bill.vendorName ?? "";
  if (column.join === "file" && column.name === "filetype") {
    return state.files[row.fileId]?.fileType === "PDF" ? "PDF File" : "Other";
  }
  return columnValue(state, row, column);
}

export function fakeSearch(state: FakeState) {
  const search = {
    Sort: { ASC: "ASC", DESC: "DESC", NONE: "NONE" },
    createColumn: (options: Column) => {
      if (!options.name) throw new SuiteScriptError("SSS_MISSING_REQD_ARGUMENT", "name");
      return { ...options };
    },
    load: (options: { id: string }) => {
      charge(state, COSTS.searchLoad, "search.load");
      const saved = state.savedSearches[options.id];
      if (!saved) throw new SuiteScriptError("INVALID_SEARCH", "That search or mass update does not exist.");
      return search.create({ type: "vendorbill", filters: saved.filters, columns: saved.columns });
    },
    create: (options: {
      type: string;
      filters: unknown[];
      columns: Column[];
      id?: string;
      title?: string;
      isPublic?: boolean;
    }) => {
      if (options.type !== "vendorbill") throw new SuiteScriptError("INVALID_RCRD_TYPE", options.type);
      const columns = options.columns;
      const rows: Row[] = [];
      for (const bill of [...state.bills].sort((a, b) => Number(a.id) - Number(b.id))) {
        const fileIds = [...bill.fileIds].sort((a, b) => Number(a) - Number(b));
        // Only a search that joins files gets one row per attached file (mainline T: one row per bill).
        const joinsFiles = JSON.stringify(options.filters).includes('"file.') || columns.some((c) => c.join === "file");
        for (const fileId of fileIds.length && joinsFiles ? fileIds : [""]) {
          if (matches({ bill, fileId }, options.filters)) rows.push({ bill, fileId });
        }
      }
      const toResult = (row: Row) => ({
        id: row.bill.id,
        recordType: "vendorbill",
        columns,
        getValue: (column: Column) => columnValue(state, row, column),
        getText: (column: Column) => columnText(state, row, column),
      });
      return {
        searchType: options.type,
        save: () => {
          charge(state, COSTS.searchSave, "Search.save");
          if (!options.title || !options.id?.startsWith("customsearch")) {
            throw new SuiteScriptError(
              "SSS_MISSING_REQD_ARGUMENT",
              "a saved search needs a title and a customsearch id",
            );
          }
          if (state.savedSearches[options.id]) throw new SuiteScriptError("DUP_RCRD", options.id);
          for (const row of rows) for (const column of columns) columnValue(state, row, column); // unknown columns throw
          state.savedSearches[options.id] = {
            title: options.title,
            isPublic: options.isPublic === true,
            filters: options.filters,
            columns,
          };
          return 1;
        },
        columns,
        runPaged: (paging: { pageSize?: number }) => {
          charge(state, COSTS.runPaged, "Search.runPaged");
          const pageSize = paging.pageSize ?? 50;
          if (pageSize < 5 || pageSize > 1000) throw new SuiteScriptError("INVALID_PAGE_RANGE", String(pageSize));
          const pageCount = Math.ceil(rows.length / pageSize);
          return {
            count: rows.length,
            pageSize,
            pageRanges: Array.from({ length: pageCount }, (_, index) => ({ index, compoundLabel: String(index) })),
            fetch: ({ index }: { index: number }) => {
              charge(state, COSTS.fetch, "PagedData.fetch");
              return { data: rows.slice(index * pageSize, (index + 1) * pageSize).map(toResult) };
            },
          };
        },
      };
    },
    lookupFields: (options: { type: string; id: string; columns: string[] }) => {
      charge(state, COSTS.lookupFields, "search.lookupFields");
      const bill = state.bills.find((b) => b.id === String(options.id));
      if (options.type !== "vendorbill" || !bill) throw new SuiteScriptError("RCRD_DSNT_EXIST", "no such record");
      return Object.fromEntries(options.columns.map((c) => [c, bill.fields[c] ?? ""]));
    },
  };

  return search;
}
