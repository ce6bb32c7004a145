/**
 * Fakes of the N modules the client uses, faithful where the client depends on behaviour:
 * governance units are charged per Oracle's table and exhausting them throws
 * SSS_USAGE_LIMIT_EXCEEDED as NetSuite does; File.getContents() returns base64 and refuses files over
 * 10 MB; SecureString placeholders `{custsecret_x}` are resolved only when a request is sent; HMAC
 * keys are decoded from the secret value with the key's encoding; the search evaluates the filter
 * expressions the client uses (and rejects any other), one row per attached file, sorted.
 * Unknown operators, record types, fields or secrets throw, so a typo in the client fails a test.
 */
import { createHmac as nodeHmac } from "node:crypto";
import type { Host, NModules } from "../../ts/core/types.ts";
import { SuiteScriptError } from "./errors.ts";
import { type FakeBillRecord, fakeLoadedRecord } from "./loaded-record.ts";

export const Encoding = {
  UTF_8: "UTF_8",
  BASE_16: "BASE_16",
  BASE_32: "BASE_32",
  BASE_64: "BASE_64",
  BASE_64_URL_SAFE: "BASE_64_URL_SAFE",
  HEX: "HEX",
} as const;

export { SuiteScriptError };

export interface FakeFile {
  name: string;
  fileType: string;
  /** Bytes (File.size). */
  size: number;
  /** Raw bytes; getContents() returns them base64-encoded. */
  bytes: Uint8Array;
  /** The running role cannot open it: file.load throws INSUFFICIENT_PERMISSION. */
  denied?: boolean;
}

export interface FakeBill {
  id: string;
  tranid?: string;
  transactionnumber?: string;
  vendorId?: string;
  vendorName?: string;
  /** ISO date; the search's TO_CHAR formula returns it as-is. */
  trandate?: string;
  duedate?: string;
  currency?: string;
  /** The body line's amount as NetSuite returns it (a string, negative on payables). */
  fxamount?: string;
  fileIds: string[];
  fields: Record<string, string>;
  /** What record.load sees: sublists and body amounts (test/fakes/loaded-record.ts). */
  record?: FakeBillRecord;
}

export interface SentRequest {
  method: "POST" | "GET";
  url: string;
  body?: string;
  /** Headers after NetSuite resolved SecureStrings (what goes on the wire). */
  headers: Record<string, string>;
  /** Headers as the script passed them. */
  rawHeaders: Record<string, unknown>;
}

export interface FakeResponse {
  code: number;
  body?: string;
  headers?: Record<string, string>;
}

export type Responder = (request: SentRequest) => FakeResponse;

export interface LogEntry {
  level: "debug" | "audit" | "error";
  title: string;
  details: string;
}

export const CUSTOM_BODY_FIELDS = [
  "custbody_mw_txn_id",
  "custbody_mw_status",
  "custbody_mw_error",
  "custbody_mw_zoho_bill_id",
];
const COSTS = {
  fileLoad: 10,
  https: 10,
  submitFields: 10,
  recordLoad: 10,
  lookupFields: 1,
  searchLoad: 5,
  searchSave: 5,
  runPaged: 5,
  fetch: 5,
};

/** A saved search as Search.save() stored it. */
export interface FakeSavedSearch {
  title: string;
  isPublic: boolean;
  filters: unknown[];
  columns: Column[];
}
const MAX_CONTENT_BYTES = 10_485_760;

export class FakeSecureString {
  readonly input: string;
  constructor(input: string) {
    this.input = input;
  }
  toString(): string {
    return "[SecureString]";
  }
}

export interface FakeState {
  remainingUsage: number;
  parameters: Record<string, string | number>;
  secrets: Record<string, string>;
  files: Record<string, FakeFile>;
  bills: FakeBill[];
  requests: SentRequest[];
  logs: LogEntry[];
  submitted: { id: string; values: Record<string, string> }[];
  /** Bill ids passed to record.load, in order. */
  loaded: string[];
  /** Saved searches by script id (search.load finds them; Search.save adds them). */
  savedSearches: Record<string, FakeSavedSearch>;
  responder: Responder;
}

interface Column {
  name: string;
  join?: string;
  formula?: string;
  sort?: string;
}

type Row = { bill: FakeBill; fileId: string };

function charge(state: FakeState, units: number, what: string): void {
  if (state.remainingUsage < units) {
    throw new SuiteScriptError("SSS_USAGE_LIMIT_EXCEEDED", `Script Execution Usage Limit Exceeded (${what})`);
  }
  state.remainingUsage -= units;
}

function decodeKey(value: string, encoding: string): Buffer {
  if (encoding === Encoding.BASE_64) return Buffer.from(value, "base64");
  if (encoding === Encoding.HEX) return Buffer.from(value, "hex");
  if (encoding === Encoding.UTF_8) return Buffer.from(value, "utf8");
  throw new SuiteScriptError("INVALID_ENCODING", `unsupported key encoding ${encoding}`);
}

function nodeEncoding(encoding: string): BufferEncoding {
  const map: Record<string, BufferEncoding> = {
    [Encoding.BASE_64]: "base64",
    [Encoding.HEX]: "hex",
    [Encoding.UTF_8]: "utf8",
    [Encoding.BASE_64_URL_SAFE]: "base64url",
  };
  const result = map[encoding];
  if (!result) throw new SuiteScriptError("INVALID_ENCODING", `unsupported encoding ${encoding}`);
  return result;
}

function resolveSecure(state: FakeState, value: unknown): string {
  if (value instanceof FakeSecureString) {
    return value.input.replace(/\{(custsecret[a-z0-9_]+)\}/g, (_m, id: string) => {
      const secret = state.secrets[id];
      if (secret === undefined) throw new SuiteScriptError("INVALID_SECRET", `secret ${id} is not available`);
      return secret;
    });
  }
  if (typeof value !== "string") throw new SuiteScriptError("SSS_INVALID_HEADER", "header values must be strings");
  return value;
}

function send(state: FakeState, method: "POST" | "GET", options: Record<string, unknown>) {
  if (typeof options.url !== "string" || !/^https?:\/\//.test(options.url)) {
    throw new SuiteScriptError("SSS_INVALID_URL", "invalid url");
  }
  if (method === "POST" && typeof options.body !== "string") {
    throw new SuiteScriptError("SSS_MISSING_REQD_ARGUMENT", "body must be a string for this client");
  }
  charge(state, COSTS.https, `https.${method.toLowerCase()}`);
  const rawHeaders = (options.headers ?? {}) as Record<string, unknown>;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawHeaders)) headers[k] = resolveSecure(state, v);
  const request: SentRequest = {
    method,
    url: options.url,
    headers,
    rawHeaders,
    ...(method === "POST" ? { body: options.body as string } : {}),
  };
  state.requests.push(request);
  const response = state.responder(request);
  return { code: response.code, body: response.body ?? "", headers: response.headers ?? {} };
}

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

export interface FakeNetSuite {
  readonly n: NModules;
  readonly state: FakeState;
  readonly host: Host & { readonly sleeps: number[]; clock: number };
}

export function createFakeNetSuite(init: Partial<FakeState> = {}): FakeNetSuite {
  const state: FakeState = {
    remainingUsage: 1000,
    parameters: {},
    secrets: {},
    files: {},
    bills: [],
    requests: [],
    logs: [],
    submitted: [],
    loaded: [],
    savedSearches: {},
    responder: () => ({ code: 500, body: "no responder" }),
    ...init,
  };

  const log = (level: LogEntry["level"]) => (options: { title?: string; details?: unknown }) => {
    state.logs.push({ level, title: String(options.title ?? ""), details: String(options.details ?? "") });
  };

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

  const record = {
    Type: { VENDOR_BILL: "vendorbill" },
    load: (options: { type: string; id: string; isDynamic?: boolean }) => {
      charge(state, COSTS.recordLoad, "record.load");
      const bill = state.bills.find((b) => b.id === String(options.id));
      if (options.type !== "vendorbill" || !bill) throw new SuiteScriptError("RCRD_DSNT_EXIST", "no such record");
      state.loaded.push(bill.id);
      return fakeLoadedRecord(bill.id, bill.record ?? {});
    },
    submitFields: (options: { type: string; id: string; values: Record<string, unknown>; options?: unknown }) => {
      charge(state, COSTS.submitFields, "record.submitFields");
      const bill = state.bills.find((b) => b.id === String(options.id));
      if (options.type !== "vendorbill" || !bill) throw new SuiteScriptError("RCRD_DSNT_EXIST", "no such record");
      const values: Record<string, string> = {};
      for (const [field, value] of Object.entries(options.values)) {
        if (!CUSTOM_BODY_FIELDS.includes(field)) throw new SuiteScriptError("INVALID_FLD", field);
        if (typeof value !== "string") throw new SuiteScriptError("INVALID_FLD_VALUE", field);
        values[field] = value;
      }
      Object.assign(bill.fields, values);
      state.submitted.push({ id: bill.id, values });
      return Number(bill.id);
    },
  };

  const file = {
    Type: { PDF: "PDF", PNGIMAGE: "PNGIMAGE", PLAINTEXT: "PLAINTEXT" },
    load: (options: { id: string | number }) => {
      charge(state, COSTS.fileLoad, "file.load");
      const id = String(options.id);
      const f = state.files[id];
      if (!f || f.denied)
        throw new SuiteScriptError("INSUFFICIENT_PERMISSION", `file ${id} does not exist or is not accessible`);
      return {
        id: Number(id),
        name: f.name,
        fileType: f.fileType,
        size: f.size,
        getContents: () => {
          if (f.size > MAX_CONTENT_BYTES) {
            throw new SuiteScriptError("SSS_FILE_CONTENT_SIZE_EXCEEDED", "file content exceeds 10 MB");
          }
          return Buffer.from(f.bytes).toString("base64");
        },
      };
    },
  };

  const crypto = {
    HashAlg: { SHA1: "SHA1", SHA256: "SHA256", SHA512: "SHA512", MD5: "MD5" },
    createSecretKey: (options: { secret?: string; guid?: string; encoding?: string }) => {
      if (options.secret && options.guid) throw new SuiteScriptError("INVALID_ARGUMENT", "secret and guid together");
      const id = options.secret ?? "";
      if (state.secrets[id] === undefined)
        throw new SuiteScriptError("INVALID_SECRET", `secret ${id} is not available`);
      return { guid: "", encoding: options.encoding ?? Encoding.HEX, secretId: id };
    },
    createHmac: (options: { algorithm: string; key: { encoding: string; secretId: string } }) => {
      if (options.algorithm !== "SHA256") throw new SuiteScriptError("INVALID_ALGORITHM", options.algorithm);
      const secret = state.secrets[options.key.secretId] ?? "";
      const hmac = nodeHmac("sha256", decodeKey(secret, options.key.encoding));
      return {
        update: (u: { input: string; inputEncoding?: string }) => {
          hmac.update(Buffer.from(u.input, nodeEncoding(u.inputEncoding ?? Encoding.UTF_8)));
        },
        digest: (d?: { outputEncoding?: string }) =>
          hmac.digest(nodeEncoding(d?.outputEncoding ?? Encoding.HEX) as "base64" | "hex"),
      };
    },
  };

  const https = {
    createSecureString: (options: { input: string }) => new FakeSecureString(options.input),
    post: (options: Record<string, unknown>) => send(state, "POST", options),
    get: (options: Record<string, unknown>) => send(state, "GET", options),
  };

  const runtime = {
    getCurrentScript: () => ({
      id: "customscript_fake",
      deploymentId: "customdeploy_fake",
      getRemainingUsage: () => state.remainingUsage,
      getParameter: ({ name }: { name: string }) => state.parameters[name] ?? null,
    }),
  };

  const n = {
    crypto,
    encode: { Encoding },
    file,
    https,
    log: { debug: log("debug"), audit: log("audit"), error: log("error") },
    record,
    runtime,
    search,
  } as unknown as NModules;

  const host = {
    clock: 1_790_000_000_000,
    sleeps: [] as number[],
    now() {
      return host.clock;
    },
    sleep(ms: number) {
      host.sleeps.push(ms);
      host.clock += ms;
    },
  };

  return { n, state, host };
}

/** A small valid-looking PDF (magic bytes first). */
export function pdfBytes(size = 1024): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(new TextEncoder().encode("%PDF-1.7\n"));
  for (let i = 9; i < size; i++) bytes[i] = 32 + (i % 90);
  return bytes;
}
