/**
 * soak: the baseline rate for SOAK_HOURS hours (default 4), to catch slow leaks: memory, pool
 * connections, audit partitions, queue age creeping up. Watch the memory-leak runbook's graphs
 * alongside; the thresholds here catch latency drift and failed deliveries.
 *   k6 run -e BASE_URL=... -e API_KEY=... -e SOAK_HOURS=8 loadtest/k6/soak.ts
 */
import { soakProfile } from "../shared/profiles.ts";
import { number } from "./support/env.ts";
import { script } from "./support/script.ts";

export const { options, setup, ingest, probe, handleSummary } = script(
  "soak",
  soakProfile(number("SOAK_HOURS", 4) * 3600),
  { delivery: "sampled" },
);
