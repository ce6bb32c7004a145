/**
 * The batch sender (the 5,000-bill case) as a Map/Reduce script:
 * - getInputData: vendor bills with a PDF whose status is empty or RETRY, one candidate per bill;
 * - map: one bill per call (its own 1,000 units and 300 s): load, check, POST, retry within budget;
 *   writes the outcome (never file contents) keyed by bill id;
 * - reduce: writes the outcome onto the bill (record.submitFields);
 * - summarize: counts by status and reports every error.
 * NetSuite yields between map or reduce calls on its own; each call checks its budget before each
 * costly call and ends with RETRY rather than dying mid-record. A restarted map call posts again,
 * which the service answers idempotently (200, same transaction id).
 */
import type { EntryPoints } from "N/types";
import { recordOutcome } from "./bill-record.ts";
import { type BillCandidate, findBills, pendingBillFilters } from "./bill-source.ts";
import { MAP_REDUCE_PARAMETER_PREFIX, readConfig } from "./config.ts";
import { describeError } from "./errors.ts";
import { COST, createBudget, TIME_LIMIT_MS } from "./governance.ts";
import { type Outcome, SEND_STATUSES, type SendStatus } from "./outcome.ts";
import { sendBill } from "./send-bill.ts";
import type { Host, NModules } from "./types.ts";

export interface SummaryReport {
  readonly counts: Record<SendStatus, number>;
  readonly errors: string[];
}

type MapContext = Pick<EntryPoints.MapReduce.mapContext, "key" | "value" | "write" | "isRestarted">;
type ReduceContext = Pick<EntryPoints.MapReduce.reduceContext, "key" | "values" | "write">;
type SummarizeContext = Pick<
  EntryPoints.MapReduce.summarizeContext,
  "inputSummary" | "mapSummary" | "reduceSummary" | "output" | "usage" | "seconds" | "yields"
>;

const mapReduceConfig = (n: NModules) => readConfig(n.runtime, MAP_REDUCE_PARAMETER_PREFIX);

function getInputData(n: NModules, host: Host): BillCandidate[] {
  mapReduceConfig(n); // fail the whole run at once on a bad setup, before any bill is touched
  const budget = createBudget(n, host, { reserveUnits: 0, timeLimitMs: TIME_LIMIT_MS.getInputData });
  const { candidates, truncated } = findBills(n, pendingBillFilters(), { canSpend: budget.canSpend });
  n.log.audit({
    title: "bills to send",
    details: `${candidates.length} vendor bill(s) with a PDF${truncated ? "; search cut short by governance, the rest next run" : ""}`,
  });
  return candidates;
}

function mapBill(n: NModules, host: Host, context: MapContext): void {
  const candidate = JSON.parse(context.value) as BillCandidate;
  if (context.isRestarted) {
    n.log.audit({ title: "map restarted", details: `bill ${candidate.billId}: sending again (idempotent)` });
  }
  let outcome: Outcome;
  try {
    const budget = createBudget(n, host, { reserveUnits: 0, timeLimitMs: TIME_LIMIT_MS.map });
    outcome = sendBill({ n, config: mapReduceConfig(n), budget, host }, candidate);
  } catch (err) {
    outcome = { billId: candidate.billId, attempts: 0, status: "ERROR", message: describeError(err) };
  }
  if (outcome.status !== "SENT") {
    n.log.debug({ title: `bill ${outcome.billId}: ${outcome.status}`, details: outcome.message });
  }
  context.write(candidate.billId, JSON.stringify(outcome));
}

function reduceOutcome(n: NModules, host: Host, context: ReduceContext): void {
  // One value per bill; should a bill appear twice, the last outcome wins.
  const outcome = JSON.parse(context.values[context.values.length - 1] ?? "null") as Outcome | null;
  if (!outcome) return;
  const budget = createBudget(n, host, { reserveUnits: 0, timeLimitMs: TIME_LIMIT_MS.reduce });
  if (!budget.canSpend(COST.submitFields)) {
    throw new Error(`governance: cannot record the outcome of bill ${outcome.billId}; it is sent again next run`);
  }
  recordOutcome(n, outcome);
  context.write(outcome.billId, outcome.status);
}

/** Every error of the input, map and reduce stages, as `stage key: error` lines. */
function stageErrors(summary: SummarizeContext): string[] {
  const errors: string[] = [];
  if (summary.inputSummary.error) errors.push(`input: ${summary.inputSummary.error}`);
  summary.mapSummary.errors.iterator().each((key, error) => {
    errors.push(`map ${key}: ${error}`);
    return true;
  });
  summary.reduceSummary.errors.iterator().each((key, error) => {
    errors.push(`reduce ${key}: ${error}`);
    return true;
  });
  return errors;
}

function summarizeRun(n: NModules, summary: SummarizeContext): SummaryReport {
  const counts = Object.fromEntries(SEND_STATUSES.map((s) => [s, 0])) as Record<SendStatus, number>;
  const errors = stageErrors(summary);
  summary.output.iterator().each((_key, value) => {
    if (value in counts) counts[value as SendStatus]++;
    return true;
  });
  for (const error of errors) n.log.error({ title: "bill delivery error", details: error });
  n.log.audit({
    title: "bill delivery summary",
    details: JSON.stringify({
      ...counts,
      errors: errors.length,
      usage: summary.usage,
      seconds: summary.seconds,
      yields: summary.yields,
    }),
  });
  return { counts, errors };
}

export function createMapReduce(n: NModules, host: Host) {
  return {
    getInputData: (): BillCandidate[] => getInputData(n, host),
    map: (context: MapContext): void => mapBill(n, host, context),
    reduce: (context: ReduceContext): void => reduceOutcome(n, host, context),
    summarize: (summary: SummarizeContext): SummaryReport => summarizeRun(n, summary),
  };
}
