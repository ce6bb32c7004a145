/** The Host NetSuite gets: the real clock and the busy wait (no timers on the server). */
import { busyWait } from "../core/governance.ts";
import type { Host } from "../core/types.ts";

export const netsuiteHost: Host = {
  now: () => Date.now(),
  sleep: (ms) => busyWait(ms),
};

/** AMD dependency list shared by both scripts: parameter name -> module id. Order is the define() order. */
export const N_MODULES = {
  crypto: "N/crypto",
  encode: "N/encode",
  file: "N/file",
  https: "N/https",
  log: "N/log",
  record: "N/record",
  runtime: "N/runtime",
  search: "N/search",
} as const;
