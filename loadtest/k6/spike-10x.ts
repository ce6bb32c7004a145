/**
 * spike-10x: the monthly test. ramping-arrival-rate from 1,000 to 10,000 bills/hour and back:
 * 5 min warm, 5 min ramp up, HOLD_S (default 600) at 10x, 5 min ramp down, 10 min recovery.
 * Ingest must hold its SLO throughout; delivery queues behind Zoho's limit and must drain within
 * the budget the fluid model gives (loadtest/shared/backlog.ts deliveryBudgetSeconds).
 *   k6 run -e BASE_URL=... -e API_KEY=... loadtest/k6/spike-10x.ts
 */
import { DEFAULT_SPIKE_SHAPE, spikeProfile } from "../shared/profiles.ts";
import { number } from "./support/env.ts";
import { script } from "./support/script.ts";

export const { options, setup, ingest, probe, handleSummary } = script(
  "spike-10x",
  spikeProfile({ ...DEFAULT_SPIKE_SHAPE, holdSeconds: number("HOLD_S", DEFAULT_SPIKE_SHAPE.holdSeconds) }),
  { delivery: "sampled" },
);
