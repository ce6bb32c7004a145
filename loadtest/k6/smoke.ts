/**
 * smoke: six bills in a minute, each followed until delivered. Run it first against any
 * environment; it checks the whole path (ingest, queue, worker, Zoho) and the thresholds' wiring.
 *   k6 run -e BASE_URL=https://staging.example.com -e API_KEY=... loadtest/k6/smoke.ts
 */
import { smokeProfile } from "../shared/profiles.ts";
import { number } from "./support/env.ts";
import { script } from "./support/script.ts";

export const { options, setup, ingest, probe, handleSummary } = script(
  "smoke",
  smokeProfile(number("DURATION_S", 60), number("BILLS_PER_HOUR", 360)),
  { delivery: "probe-all" },
);
