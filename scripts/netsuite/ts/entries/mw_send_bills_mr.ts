/**
 * @NApiVersion 2.1
 * @NScriptType MapReduceScript
 * @NModuleScope SameAccount
 * @description Sends vendor-bill PDFs not yet delivered to the bill middleware (POST /api/v1/bills).
 * Built from scripts/netsuite/ts/entries/mw_send_bills_mr.ts by scripts/netsuite/build.ts; do not edit the .js.
 */
import type { EntryPoints } from "N/types";
import { createMapReduce } from "../core/map-reduce.ts";
import type { NModules } from "../core/types.ts";
import { N_MODULES, netsuiteHost } from "./host.ts";

export const dependencies = N_MODULES;

export const entryPointNames = ["getInputData", "map", "reduce", "summarize"] as const;

export interface MapReduceEntryPoints {
  getInputData: EntryPoints.MapReduce.getInputData;
  map: EntryPoints.MapReduce.map;
  reduce: EntryPoints.MapReduce.reduce;
  summarize: EntryPoints.MapReduce.summarize;
}

/** Called by the AMD wrapper with the N modules NetSuite passed to define(). */
export function create(n: NModules): MapReduceEntryPoints {
  const script = createMapReduce(n, netsuiteHost);
  return {
    getInputData: () => script.getInputData(),
    map: (context) => script.map(context),
    reduce: (context) => script.reduce(context),
    summarize: (summary) => {
      script.summarize(summary);
    },
  };
}
