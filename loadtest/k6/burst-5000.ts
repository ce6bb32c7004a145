/**
 * burst-5000: a NetSuite Map/Reduce batch, 5,000 bills within BURST_WINDOW_S seconds (default 120),
 * as one constant-arrival-rate scenario whose rate is exactly the batch. Ingest must accept all of
 * them within its SLO; probes sent during the burst measure how long the backlog takes to reach Zoho.
 *   k6 run -e BASE_URL=... -e API_KEY=... [-e BURST_WINDOW_S=120] loadtest/k6/burst-5000.ts
 */
import { BURST_BILLS, burstProfile } from "../shared/profiles.ts";
import { number } from "./support/env.ts";
import { script } from "./support/script.ts";

export const { options, setup, ingest, probe, handleSummary } = script(
  "burst-5000",
  burstProfile(number("BURST_WINDOW_S", 120), number("BURST_BILLS", BURST_BILLS)),
  { delivery: "sampled" },
);
