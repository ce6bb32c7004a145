/**
 * The k6 scripts' settings, all from `__ENV` (`k6 run -e NAME=value`, or the process environment,
 * which k6 copies into __ENV by default). The API key is read here and sent only as a header: it
 * never reaches a log line or the summary.
 */
import { zohoBillsPerHour } from "../../shared/profiles.ts";

function text(name: string, fallback: string): string {
  const value = __ENV[name];
  return value === undefined || value === "" ? fallback : value;
}

/** A positive number from __ENV, or `fallback` when unset. */
export function number(name: string, fallback: number): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export const settings = {
  /** Service base URL, no trailing slash. @default http://127.0.0.1:3000 */
  baseUrl: text("BASE_URL", "http://127.0.0.1:3000").replace(/\/+$/, ""),
  /** The API key NetSuite would send (`x-api-key`). Required; checked in setup(). */
  apiKey: text("API_KEY", ""),
  /** Size of every PDF, KiB. @default 100 */
  pdfKiB: number("PDF_KIB", 100),
  /** Send bill details (the worker creates the bill with its PDF in one Zoho call). @default true */
  withDetails: text("WITH_DETAILS", "true") !== "false",
  /** The Zoho vendor of every bill: VENDOR_ID, else VENDOR_NAME. @default the simulator's "Acme Supplies" */
  vendor: __ENV.VENDOR_ID ? { vendorId: __ENV.VENDOR_ID } : { vendorName: text("VENDOR_NAME", "Acme Supplies") },
  /** Drain capacity of the worker fleet (its share of Zoho's limit), bills/hour; sets the delivery budget. @default 5880 (98/min) */
  zohoBillsPerHour: number("ZOHO_BILLS_PER_HOUR", zohoBillsPerHour()),
  /** Delivery probes per hour (each POSTs a bill and polls it to the end). @default enough for 30 samples, at least 60/h */
  probePerHour: __ENV.PROBE_PER_HOUR ? number("PROBE_PER_HOUR", 60) : undefined,
  /**
   * "off" drops the delivery probes and their thresholds (an ingest-only run: burst-5000 otherwise
   * lasts until the whole batch is through Zoho, about 51 minutes at the default limit). @default on
   */
  probes: text("PROBES", "on") !== "off",
  /** Where handleSummary writes its files (relative to where k6 runs). @default bench-results/k6 */
  summaryDir: text("SUMMARY_DIR", "bench-results/k6").replace(/\/+$/, ""),
  /** Ingest request timeout. @default 30s */
  ingestTimeout: text("INGEST_TIMEOUT", "30s"),
} as const;
