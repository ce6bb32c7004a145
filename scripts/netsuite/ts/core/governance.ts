/**
 * Governance guard: every N call that costs units is preceded by a check, so a call that cannot
 * finish is never started and the script stops cleanly with the bill left for the next run.
 * Units (Oracle "SuiteScript 2.x API Governance"): file.load 10, https.post/get 10, record.load 10,
 * record.submitFields 10 on transactions, search.lookupFields 1, search.load 5, Search.save 5,
 * Search.runPaged 5, PagedData.fetch 5.
 * Limits per call: map 1,000 units / 300 s; reduce 5,000 / 900 s; getInputData and summarize
 * 10,000 / 3,600 s; Suitelet 1,000 / 300 s; scheduled 10,000 / 3,600 s.
 */
import type { Host, NModules } from "./types.ts";

export const COST = {
  fileLoad: 10,
  httpsCall: 10,
  submitFields: 10,
  recordLoad: 10,
  lookupFields: 1,
  searchLoad: 5,
  searchSave: 5,
  runPaged: 5,
  pageFetch: 5,
} as const;

/**
 * Worst case for one outbound call: NetSuite allows 5 s to connect and 45 s to send; how long it
 * waits for the answer is not documented, so assume another 10 s.
 */
export const HTTPS_WORST_CASE_MS = 60_000;

export const TIME_LIMIT_MS = {
  map: 300_000,
  reduce: 900_000,
  getInputData: 3_600_000,
  suitelet: 300_000,
  scheduled: 3_600_000,
} as const;

export interface Budget {
  /** True when `units` (plus the reserve kept for recording the result) are still available. */
  canSpend(units: number): boolean;
  /** True when waiting `ms` and then making one more outbound call still fits the time limit. */
  canWaitThenCall(ms: number): boolean;
  remainingUnits(): number;
}

export interface BudgetOptions {
  /** Units kept back for what must happen after the work (e.g. record.submitFields). */
  readonly reserveUnits: number;
  /** The entry point's time limit. */
  readonly timeLimitMs: number;
}

export function createBudget(n: Pick<NModules, "runtime">, host: Pick<Host, "now">, options: BudgetOptions): Budget {
  const startedAt = host.now();
  const script = n.runtime.getCurrentScript();
  const remainingUnits = () => script.getRemainingUsage();
  return {
    remainingUnits,
    canSpend: (units) => remainingUnits() >= units + options.reserveUnits,
    canWaitThenCall: (ms) => host.now() - startedAt + ms + HTTPS_WORST_CASE_MS <= options.timeLimitMs,
  };
}

/**
 * The only way to wait in server-side SuiteScript (there is no setTimeout): a bounded busy loop.
 * It costs no units but does count against the time limit, which canWaitThenCall accounts for.
 */
export function busyWait(ms: number, now: () => number = Date.now): void {
  const until = now() + ms;
  while (now() < until) {
    // spin
  }
}
