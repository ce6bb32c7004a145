/** The fake account's state and the governance charge every fake N module shares. */
import { SuiteScriptError } from "./errors.ts";
import type { FakeBillRecord } from "./loaded-record.ts";

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
export const COSTS = {
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

export interface Column {
  name: string;
  join?: string;
  formula?: string;
  sort?: string;
}

export type Row = { bill: FakeBill; fileId: string };

export function charge(state: FakeState, units: number, what: string): void {
  if (state.remainingUsage < units) {
    throw new SuiteScriptError("SSS_USAGE_LIMIT_EXCEEDED", `Script Execution Usage Limit Exceeded (${what})`);
  }
  state.remainingUsage -= units;
}
