/**
 * handleSummary for every script: the text table on stdout, and JSON (k6's raw data), HTML and
 * text files under SUMMARY_DIR (bench-results/k6 by default) for CI to keep as an artifact.
 */
import type { Options } from "k6/options";
import { normalizeSummary, renderHtml, renderText, type ThresholdConfig } from "../../shared/summary.ts";
import { settings } from "./env.ts";

export function summaryFiles(name: string, data: unknown, options: Options): Record<string, string> {
  const summary = normalizeSummary(data, `k6 ${name}`, (options.thresholds ?? {}) as ThresholdConfig);
  const text = renderText(summary);
  const base = `${settings.summaryDir}/${name}`;
  return {
    stdout: text,
    [`${base}.json`]: JSON.stringify(data, null, 2),
    [`${base}.html`]: renderHtml(summary),
    [`${base}.txt`]: text,
  };
}
