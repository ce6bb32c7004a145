/**
 * @NApiVersion 2.1
 * @NScriptType Suitelet
 * @NModuleScope SameAccount
 * @description Sends one vendor bill to the bill middleware on demand and shows its delivery status.
 * Built from scripts/netsuite/ts/entries/mw_send_bill_sl.ts by scripts/netsuite/build.ts; do not edit the .js.
 */
import type { EntryPoints } from "N/types";
import { createSuitelet } from "../core/suitelet.ts";
import type { NModules } from "../core/types.ts";
import { N_MODULES, netsuiteHost } from "./host.ts";

export const dependencies = N_MODULES;

export const entryPointNames = ["onRequest"] as const;

export interface SuiteletEntryPoints {
  onRequest: EntryPoints.Suitelet.onRequest;
}

/** Called by the AMD wrapper with the N modules NetSuite passed to define(). */
export function create(n: NModules): SuiteletEntryPoints {
  const script = createSuitelet(n, netsuiteHost);
  return { onRequest: (context) => script.onRequest(context) };
}
