/**
 * The fix form (vendor, lines) as a bill fix for retryFailedBills: only the fields the operator
 * changed, so the operation's own validation (mergeBillFix against BillTarget) judges exactly
 * what was edited. Lines are edited as JSON ({ expenseLines, itemLines }, NetSuite's shape).
 */
import type { CommonQueryMethods } from "slonik";
import { type Static, Type } from "typebox";
import { BillTarget } from "../../../lib/bill.ts";
import { OperationError } from "../../../lib/operations/operation-error.ts";
import { billRecord } from "./queries/bills.ts";

export const FixForm = Type.Object({
  vendorId: Type.Optional(Type.String({ maxLength: 64 })),
  vendorName: Type.Optional(Type.String({ maxLength: 200 })),
  lines: Type.Optional(Type.String({ maxLength: 60_000 })),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type FixForm = Static<typeof FixForm>;

export interface BillFix {
  details?: Record<string, unknown>;
}

const LINE_KEYS = new Set(["expenseLines", "itemLines"]);

function parseLines(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OperationError("ERR_BAD_LINES", "the lines are not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new OperationError(
      "ERR_BAD_LINES",
      'the lines must be an object: { "expenseLines": [...], "itemLines": [...] }',
    );
  const extra = Object.keys(parsed).filter((k) => !LINE_KEYS.has(k));
  if (extra.length > 0)
    throw new OperationError(
      "ERR_BAD_LINES",
      `only expenseLines and itemLines can be fixed here, not ${extra.join(", ")}`,
    );
  return parsed as Record<string, unknown>;
}

export async function billFixFromForm(db: CommonQueryMethods, id: string, form: FixForm): Promise<BillFix> {
  const record = await billRecord(db, id);
  if (!record) throw new OperationError("ERR_NOT_FOUND", `transaction ${id} not found`, 404);
  const current = BillTarget.safeParse(record.bill ?? {}).data?.details;
  const details: Record<string, unknown> = {};
  const vendorId = form.vendorId?.trim();
  const vendorName = form.vendorName?.trim();
  if (vendorId && vendorId !== current?.vendorId) details.vendorId = vendorId;
  if (vendorName && vendorName !== current?.vendorName) details.vendorName = vendorName;
  if (form.lines?.trim()) {
    const lines = parseLines(form.lines);
    for (const key of LINE_KEYS) {
      const now = current?.[key as "expenseLines" | "itemLines"];
      if (key in lines && JSON.stringify(lines[key]) !== JSON.stringify(now)) details[key] = lines[key];
    }
  }
  if (Object.keys(details).length === 0)
    throw new OperationError(
      "ERR_NOTHING_TO_FIX",
      "no field differs from the bill as stored; use Retry to send it as it is",
    );
  return { details };
}
