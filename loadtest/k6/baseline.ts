/**
 * baseline: 1,000 bills/hour (constant-arrival-rate) for DURATION_S seconds (default 1,800), with
 * delivery probes. Every SLO must hold here with room to spare.
 *   k6 run -e BASE_URL=... -e API_KEY=... [-e DURATION_S=1800] loadtest/k6/baseline.ts
 */
import { baselineProfile } from "../shared/profiles.ts";
import { number } from "./support/env.ts";
import { script } from "./support/script.ts";

export const { options, setup, ingest, probe, handleSummary } = script(
  "baseline",
  baselineProfile(number("DURATION_S", 30 * 60)),
  { delivery: "sampled" },
);
