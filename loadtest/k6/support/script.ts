/**
 * Everything a k6 entry script exports, built from a load profile: options, setup, the two
 * scenario functions (ingest, probe) and handleSummary. Each file in loadtest/k6/ is one line
 * of wiring on top of this, so the scripts cannot drift apart.
 */
import type { Options } from "k6/options";
import type { ArrivalProfile } from "../../shared/profiles.ts";
import { followDelivery, type RunData, sendBill, setupRun } from "./bill-flow.ts";
import { settings } from "./env.ts";
import { type PlanOptions, plan } from "./options.ts";
import { summaryFiles } from "./summary.ts";

export interface ScriptExports {
  readonly options: Options;
  readonly setup: () => RunData;
  /** Scenario `ingest`: POST one bill. */
  readonly ingest: (data: RunData) => void;
  /** Scenario `probe`: POST one bill and follow it to delivery. */
  readonly probe: (data: RunData) => void;
  readonly handleSummary: (data: unknown) => Record<string, string>;
}

export function script(name: string, profile: ArrivalProfile, planOptions: PlanOptions): ScriptExports {
  const delivery = planOptions.delivery === "sampled" && !settings.probes ? "none" : planOptions.delivery;
  const { options, giveUpSeconds } = plan(profile, { delivery });
  return {
    options,
    setup: setupRun,
    ingest: (data) => {
      sendBill(data);
    },
    probe: (data) => {
      const accepted = sendBill(data);
      if (accepted) followDelivery(accepted, giveUpSeconds);
    },
    handleSummary: (data) => summaryFiles(name, data, options),
  };
}
