/**
 * Reconciliation report for a date range, `bill-mw-ops reconcile` (the report is
 * lib/operations/reconcile.ts): every NetSuite bill we accepted, whether it reached Zoho Books,
 * and the exceptions an accountant needs to look at.
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
import { OperationError } from "../../lib/operations/operation-error.ts";
import { reconcile, toCsv, type ZohoBillLister } from "../../lib/operations/reconcile.ts";
import { main, type OpsContext, parseDate, printJson, printTable, withContext } from "./cli.ts";

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
