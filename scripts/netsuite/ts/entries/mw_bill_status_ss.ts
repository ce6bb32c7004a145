/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 * @description Asks the bill middleware for the outcome of the vendor bills it was sent and writes DELIVERED or FAILED, the Zoho bill id and the failure reason onto each bill.
 * Built from scripts/netsuite/ts/entries/mw_bill_status_ss.ts by scripts/netsuite/build.ts; do not edit the .js.
 */
import type { EntryPoints } from "N/types";
import { createStatusSync } from "../core/status-sync.ts";
import type { NModules } from "../core/types.ts";
import { N_MODULES, netsuiteHost } from "./host.ts";

export const dependencies = N_MODULES;

export const entryPointNames = ["execute"] as const;

export interface ScheduledEntryPoints {
  execute: EntryPoints.Scheduled.execute;
}

/** Called by the AMD wrapper with the N modules NetSuite passed to define(). */
export function create(n: NModules): ScheduledEntryPoints {
  const script = createStatusSync(n, netsuiteHost);
  return {
    execute: () => {
      script.execute();
    },
  };
}
