/**
 * A fake of the vendor bill that record.load returns (N/record Record): the expense and item
 * sublists and the body fields the client reads. Unknown sublists, fields or lines throw, as a typo
 * in a field id must fail a test rather than read as empty.
 */
import { SuiteScriptError } from "./errors.ts";

/** A field's value, or a select field's value and the text NetSuite shows for it. */
export type FakeFieldValue = string | number | boolean | null | { value: string; text: string };
export type FakeLine = Record<string, FakeFieldValue>;

export interface FakeBillRecord {
  /** Body fields (usertotal, taxtotal, currencysymbol, exchangerate). */
  body?: Record<string, FakeFieldValue>;
  expense?: FakeLine[];
  item?: FakeLine[];
}

const SEGMENTS = ["department", "class", "location", "taxcode", "tax1amt", "grossamt"];
export const SUBLIST_FIELDS: Record<string, readonly string[]> = {
  expense: ["account", "amount", "memo", ...SEGMENTS],
  item: ["item", "quantity", "rate", "amount", "description", ...SEGMENTS],
};
export const BODY_FIELDS = ["usertotal", "taxtotal", "currencysymbol", "exchangerate", "currency"];

const isSelect = (v: FakeFieldValue | undefined): v is { value: string; text: string } =>
  typeof v === "object" && v !== null;

export function fakeLoadedRecord(id: string, data: FakeBillRecord) {
  const line = (sublistId: string, fieldId: string, index: number): FakeFieldValue | undefined => {
    const fields = SUBLIST_FIELDS[sublistId];
    if (!fields) throw new SuiteScriptError("SSS_INVALID_SUBLIST_OPERATION", `no sublist ${sublistId}`);
    if (!fields.includes(fieldId)) throw new SuiteScriptError("INVALID_FLD", `${sublistId}.${fieldId}`);
    const lines = data[sublistId as "expense" | "item"] ?? [];
    if (!Number.isInteger(index) || index < 0 || index >= lines.length) {
      throw new SuiteScriptError("SSS_INVALID_SUBLIST_OPERATION", `${sublistId} line ${index}`);
    }
    return lines[index]?.[fieldId];
  };
  const body = (fieldId: string): FakeFieldValue | undefined => {
    if (!BODY_FIELDS.includes(fieldId)) throw new SuiteScriptError("INVALID_FLD", fieldId);
    return data.body?.[fieldId];
  };
  // NetSuite returns "" for an empty field, the internal id (a string) for a select field.
  const value = (v: FakeFieldValue | undefined) => (isSelect(v) ? v.value : (v ?? ""));
  const text = (v: FakeFieldValue | undefined) =>
    isSelect(v) ? v.text : v === undefined || v === null ? "" : String(v);
  return {
    id: Number(id),
    type: "vendorbill",
    getLineCount: ({ sublistId }: { sublistId: string }) => {
      if (!SUBLIST_FIELDS[sublistId]) throw new SuiteScriptError("SSS_INVALID_SUBLIST_OPERATION", sublistId);
      return (data[sublistId as "expense" | "item"] ?? []).length;
    },
    getSublistValue: (o: { sublistId: string; fieldId: string; line: number }) =>
      value(line(o.sublistId, o.fieldId, o.line)),
    getSublistText: (o: { sublistId: string; fieldId: string; line: number }) =>
      text(line(o.sublistId, o.fieldId, o.line)),
    getValue: (o: { fieldId: string }) => value(body(o.fieldId)),
    getText: (o: { fieldId: string }) => text(body(o.fieldId)),
  };
}
