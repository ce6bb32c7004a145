/**
 * Reconciliation report for a date range: every NetSuite bill we accepted, whether it reached
 * Zoho Books, and the exceptions an accountant needs to look at.
 *
 *   node scripts/ops/reconcile.ts --from 2026-11-01 --to 2026-12-01 [--netsuite-ids ids.txt] [--zoho] [--csv out.csv] [--json]
 *
 * --netsuite-ids  a file of NetSuite bill ids (one per line, or the first CSV column) exported from
 *                 a NetSuite saved search: ids NetSuite sent that we never accepted are listed.
 * --zoho          cross-check against Zoho's list API (GET /bills by bill date, 200 per call, through
 *                 the worker's token cache and fleet rate limiter): delivered rows whose Zoho bill
 *                 id Zoho does not list are exceptions. Costs ceil(bills / 200) calls of the quota.
 * Exit code 0 when there is no exception, 3 when there is at least one.
 */
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { CommonQueryMethods } from "slonik";
import { z } from "zod";
import { sql } from "../../lib/db.ts";
import { OperationError } from "../../lib/operations/operation-error.ts";
import { main, type OpsContext, parseDate, printJson, printTable, withContext } from "./cli.ts";

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

export const EXCEPTION_KINDS = [
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
export const reconRows = (db: CommonQueryMethods, from: Date, to: Date) =>
  db.any(sql.type(ReconRow)`
    SELECT netsuite_bill_id, id, status, zoho_bill_id, zoho_document_id, error_message, resolved_at,
           created_at, completed_at
    FROM transactions
    WHERE created_at >= ${sql.timestamp(from)} AND created_at < ${sql.timestamp(to)}
    ORDER BY created_at`);

const day = (d: Date) => d.toISOString().slice(0, 10);

export async function reconcile(db: CommonQueryMethods, opts: ReconOptions): Promise<ReconReport> {
  if (opts.to <= opts.from) throw new OperationError("ERR_RANGE", "--to must be after --from");
  const now = opts.now ?? Date.now();
  const stuckAfter = opts.stuckAfterMs ?? 3_600_000;
  const rows = await reconRows(db, opts.from, opts.to);
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
  for (const [zohoId, same] of byZohoId) {
    if (same.length < 2) continue;
    for (const r of same) {
      exceptions.push({
        kind: "duplicate-zoho-bill",
        netsuiteBillId: r.netsuite_bill_id,
        transactionId: r.id,
        detail: `Zoho bill ${zohoId} is recorded for ${same.length} NetSuite bills`,
      });
    }
  }
  if (opts.netsuiteIds) {
    const known = new Set(rows.map((r) => r.netsuite_bill_id));
    for (const id of new Set(opts.netsuiteIds)) {
      if (!known.has(id)) {
        exceptions.push({
          kind: "not-received",
          netsuiteBillId: id,
          transactionId: null,
          detail: "in NetSuite's list, never accepted here (check the NetSuite script log and ALB 4xx/5xx)",
        });
      }
    }
  }
  let zoho: ReconReport["zoho"];
  if (opts.zoho) {
    const slack = (opts.zohoDateSlackDays ?? 31) * 86_400_000;
    const listed = await opts.zoho({
      dateStart: day(new Date(opts.from.getTime() - slack)),
      dateEnd: day(new Date(opts.to.getTime() + slack)),
    });
    zoho = { listed: listed.ids.size, calls: listed.calls };
    for (const [zohoId, same] of byZohoId) {
      if (listed.ids.has(zohoId)) continue;
      for (const r of same) {
        exceptions.push({
          kind: "missing-in-zoho",
          netsuiteBillId: r.netsuite_bill_id,
          transactionId: r.id,
          detail: `Zoho does not list bill ${zohoId} (deleted or voided in Zoho?)`,
        });
      }
    }
  }
  return { from: opts.from.toISOString(), to: opts.to.toISOString(), counts, exceptions, ...(zoho ? { zoho } : {}) };
}

export function toCsv(report: ReconReport): string {
  const q = (s: string | null) => (s === null ? "" : /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [
    "kind,netsuite_bill_id,transaction_id,detail",
    ...report.exceptions.map((e) => [e.kind, e.netsuiteBillId, e.transactionId, e.detail].map(q).join(",")),
  ].join("\n");
}

export async function readNetsuiteIds(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8");
  return text
    .split(/\r?\n/)
    .map((line) => line.split(",")[0]?.trim().replace(/^"|"$/g, "") ?? "")
    .filter((id) => id && !/^(netsuite_?bill_?id|id|internal ?id)$/i.test(id));
}

/** Zoho's list API through the worker's client (shared token cache and fleet limiter, audited). */
async function workerZohoLister(): Promise<{ lister: ZohoBillLister; close(): Promise<void> }> {
  const { loadWorkerConfig } = await import("../../lib/config.ts");
  const { createLogger } = await import("../../lib/logger.ts");
  const { buildDeps } = await import("../../consumer/src/deps.ts");
  const config = loadWorkerConfig();
  const log = createLogger(config, "ops-reconcile");
  const deps = await buildDeps(config, log);
  const lister: ZohoBillLister = async ({ dateStart, dateEnd }) => {
    const ctx = { transactionId: null, deadline: Date.now() + 10 * 60_000, log, calls: 0 };
    const ids = new Set<string>();
    for (let page = 1; ; page++) {
      const bills = await deps.zoho.listBills(
        { date_start: dateStart, date_end: dateEnd, page: String(page), per_page: "200" },
        ctx,
      );
      for (const b of bills) ids.add(b.bill_id);
      if (bills.length < 200) break;
    }
    return { ids, calls: ctx.calls };
  };
  return { lister, close: () => deps.close() };
}

export async function reconcileCommand(ctx: OpsContext, argv: readonly string[], out = console.log): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      from: { type: "string" },
      to: { type: "string" },
      "netsuite-ids": { type: "string" },
      zoho: { type: "boolean", default: false },
      csv: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const from = parseDate(values.from, "--from");
  const to = parseDate(values.to, "--to");
  if (!from || !to) throw new OperationError("ERR_RANGE", "--from and --to are required (ISO dates, to exclusive)");
  const netsuiteIds = values["netsuite-ids"] ? await readNetsuiteIds(values["netsuite-ids"]) : undefined;
  const zoho = values.zoho ? await workerZohoLister() : undefined;
  try {
    const report = await reconcile(ctx.db, { from, to, netsuiteIds, zoho: zoho?.lister });
    if (values.csv) await writeFile(values.csv, `${toCsv(report)}\n`);
    if (values.json) printJson(report, out);
    else {
      out(`reconciliation ${report.from} .. ${report.to}`);
      printTable([report.counts], Object.keys(report.counts), out);
      if (report.zoho)
        out(`Zoho lists ${report.zoho.listed} bills in the widened date range (${report.zoho.calls} calls)`);
      out(`\n${report.exceptions.length} exceptions${values.csv ? ` (also in ${values.csv})` : ""}:`);
      printTable(report.exceptions, ["kind", "netsuiteBillId", "transactionId", "detail"], out);
    }
    return report.exceptions.length > 0 ? 3 : 0;
  } finally {
    await zoho?.close();
  }
}

if (import.meta.main) await main(withContext(reconcileCommand));
