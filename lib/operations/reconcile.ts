/**
 * Reconcile: the finance report for a date range. Every NetSuite bill we accepted, whether it
 * reached Zoho Books, and the exceptions an accountant needs to look at. The command is
 * scripts/ops/reconcile.ts (`bill-mw-ops reconcile`); it supplies NetSuite's id list and the Zoho lister.
 */
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { sql } from "../db.ts";
import { OperationError } from "./operation-error.ts";

export const ReconRow = z.object({
  netsuite_bill_id: z.string(),
  id: z.string(),
  status: z.string(),
  zoho_bill_id: z.string().nullable(),
  zoho_document_id: z.string().nullable(),
  error_message: z.string().nullable(),
  resolved_at: z.coerce.number().nullable(),
  created_at: z.coerce.number(),
  completed_at: z.coerce.number().nullable(),
});
export type ReconRow = z.infer<typeof ReconRow>;

const EXCEPTION_KINDS = [
  "not-received",
  "failed",
  "stuck",
  "delivered-without-zoho-id",
  "duplicate-zoho-bill",
  "missing-in-zoho",
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export interface ReconException {
  readonly kind: ExceptionKind;
  readonly netsuiteBillId: string;
  readonly transactionId: string | null;
  readonly detail: string;
}

export interface ReconReport {
  readonly from: string;
  readonly to: string;
  readonly counts: {
    readonly accepted: number;
    readonly delivered: number;
    readonly failedOpen: number;
    readonly failedResolved: number;
    readonly inFlight: number;
    readonly stuck: number;
  };
  readonly exceptions: readonly ReconException[];
  /** Present when the Zoho cross-check ran. */
  readonly zoho?: { readonly listed: number; readonly calls: number };
}

/** Lists the Zoho bill ids whose bill date falls in [dateStart, dateEnd] (YYYY-MM-DD). */
export type ZohoBillLister = (range: { dateStart: string; dateEnd: string }) => Promise<{
  ids: ReadonlySet<string>;
  calls: number;
}>;

export interface ReconOptions {
  readonly from: Date;
  readonly to: Date;
  /** NetSuite's own list of bill ids for the period, when the operator has it. */
  readonly netsuiteIds?: readonly string[];
  readonly zoho?: ZohoBillLister;
  /** Pending/processing rows older than this are stuck rather than in flight. @default 1 h */
  readonly stuckAfterMs?: number;
  /** Zoho's bill date may precede or follow our created_at (bill date from NetSuite). @default 31 */
  readonly zohoDateSlackDays?: number;
  readonly now?: number;
}

/** The rows of the range, ordered by creation. The runbooks quote the same query. */
const reconRows = (db: CommonQueryMethods, from: Date, to: Date) =>
  db.any(sql.type(ReconRow)`
    SELECT netsuite_bill_id, id, status, zoho_bill_id, zoho_document_id, error_message, resolved_at,
           created_at, completed_at
    FROM transactions
    WHERE created_at >= ${sql.timestamp(from)} AND created_at < ${sql.timestamp(to)}
    ORDER BY created_at`);

const day = (d: Date) => d.toISOString().slice(0, 10);

export async function reconcile(db: CommonQueryMethods, opts: ReconOptions): Promise<ReconReport> {
  if (opts.to <= opts.from) throw new OperationError("ERR_RANGE", "--to must be after --from");
  const rows = await reconRows(db, opts.from, opts.to);
  const { counts, exceptions, byZohoId } = classifyRows(rows, opts.now ?? Date.now(), opts.stuckAfterMs ?? 3_600_000);
  exceptions.push(...duplicateZohoBills(byZohoId));
  if (opts.netsuiteIds) exceptions.push(...notReceived(rows, opts.netsuiteIds));
  let zoho: ReconReport["zoho"];
  if (opts.zoho) {
    const slack = (opts.zohoDateSlackDays ?? 31) * 86_400_000;
    const listed = await opts.zoho({
      dateStart: day(new Date(opts.from.getTime() - slack)),
      dateEnd: day(new Date(opts.to.getTime() + slack)),
    });
    zoho = { listed: listed.ids.size, calls: listed.calls };
    exceptions.push(...missingInZoho(byZohoId, listed.ids));
  }
  return { from: opts.from.toISOString(), to: opts.to.toISOString(), counts, exceptions, ...(zoho ? { zoho } : {}) };
}

/** Counts each row's state; failed, stuck and id-less deliveries are exceptions. */
function classifyRows(rows: readonly ReconRow[], now: number, stuckAfter: number) {
  const exceptions: ReconException[] = [];
  const counts = { accepted: rows.length, delivered: 0, failedOpen: 0, failedResolved: 0, inFlight: 0, stuck: 0 };
  const byZohoId = new Map<string, ReconRow[]>();
  for (const r of rows) {
    const ex = (kind: ExceptionKind, detail: string) =>
      exceptions.push({ kind, netsuiteBillId: r.netsuite_bill_id, transactionId: r.id, detail });
    if (r.status === "success") {
      counts.delivered++;
      if (!r.zoho_bill_id) ex("delivered-without-zoho-id", "status success but no Zoho bill id recorded");
      else byZohoId.set(r.zoho_bill_id, [...(byZohoId.get(r.zoho_bill_id) ?? []), r]);
    } else if (r.status === "failed") {
      if (r.resolved_at !== null) counts.failedResolved++;
      else {
        counts.failedOpen++;
        ex("failed", r.error_message ?? "failed without a message");
      }
    } else if (now - r.created_at > stuckAfter) {
      counts.stuck++;
      ex("stuck", `${r.status} since ${new Date(r.created_at).toISOString()}`);
    } else counts.inFlight++;
  }
  return { counts, exceptions, byZohoId };
}

function duplicateZohoBills(byZohoId: ReadonlyMap<string, readonly ReconRow[]>): ReconException[] {
  return [...byZohoId].flatMap(([zohoId, same]) =>
    same.length < 2
      ? []
      : same.map((r) => ({
          kind: "duplicate-zoho-bill" as const,
          netsuiteBillId: r.netsuite_bill_id,
          transactionId: r.id,
          detail: `Zoho bill ${zohoId} is recorded for ${same.length} NetSuite bills`,
        })),
  );
}

function notReceived(rows: readonly ReconRow[], netsuiteIds: readonly string[]): ReconException[] {
  const known = new Set(rows.map((r) => r.netsuite_bill_id));
  return [...new Set(netsuiteIds)]
    .filter((id) => !known.has(id))
    .map((id) => ({
      kind: "not-received" as const,
      netsuiteBillId: id,
      transactionId: null,
      detail: "in NetSuite's list, never accepted here (check the NetSuite script log and ALB 4xx/5xx)",
    }));
}

function missingInZoho(
  byZohoId: ReadonlyMap<string, readonly ReconRow[]>,
  listed: ReadonlySet<string>,
): ReconException[] {
  return [...byZohoId].flatMap(([zohoId, same]) =>
    listed.has(zohoId)
      ? []
      : same.map((r) => ({
          kind: "missing-in-zoho" as const,
          netsuiteBillId: r.netsuite_bill_id,
          transactionId: r.id,
          detail: `Zoho does not list bill ${zohoId} (deleted or voided in Zoho?)`,
        })),
  );
}

export function toCsv(report: ReconReport): string {
  const q = (s: string | null) => (s === null ? "" : /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [
    "kind,netsuite_bill_id,transaction_id,detail",
    ...report.exceptions.map((e) => [e.kind, e.netsuiteBillId, e.transactionId, e.detail].map(q).join(",")),
  ].join("\n");
}
