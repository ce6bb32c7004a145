/**
 * After Zoho has the bill: its computed total against NetSuite's, in minor units of the bill's
 * currency (lib/money.ts, never as floats). Both and the difference go on the transaction row
 * (zoho_total, total_difference), where operators see them; a difference is also logged and counted
 * (BillTotalMismatch). The bill stays delivered: Zoho holds it, finance decides what to correct.
 */
import type { BillDetails } from "../../../lib/bill.ts";
import { decimalOf, formatMinorUnits, minorUnits, toMinorUnits } from "../../../lib/money.ts";
import { noRows } from "../../../lib/operations/rows.ts";
import type { HandlerDeps } from "../types.ts";
import type { CallContext } from "../zoho/types.ts";

export interface TotalComparison {
  /** Zoho's total as a decimal string with the currency's digits. */
  readonly zohoTotal: string;
  /** zohoTotal − NetSuite's total, or null when NetSuite sent no total. */
  readonly difference: string | null;
}

/** Rounds a Zoho amount half away from zero to the currency's digits (Zoho already rounds; this only guards float noise). */
function zohoMinorUnits(value: number, digits: number): bigint {
  const exact = toMinorUnits(value, digits);
  if (exact !== null) return exact;
  const d = decimalOf(value);
  const cut = 10n ** BigInt(d.scale - digits);
  const half = cut / 2n;
  return d.units >= 0n ? (d.units + half) / cut : -((-d.units + half) / cut);
}

/** Pure: the comparison for a Zoho total and the bill details. */
export function compareTotals(zohoTotal: number, details: BillDetails): TotalComparison {
  const digits = minorUnits(details.currencyCode);
  const zoho = zohoMinorUnits(zohoTotal, digits);
  const netsuite = details.total === undefined ? null : toMinorUnits(details.total, digits);
  return {
    zohoTotal: formatMinorUnits(zoho, digits),
    difference: netsuite === null ? null : formatMinorUnits(zoho - netsuite, digits),
  };
}

export async function recordTotals(
  row: { readonly id: string },
  zohoTotal: number | undefined,
  details: BillDetails | undefined,
  deps: Pick<HandlerDeps, "db" | "metrics">,
  ctx: CallContext,
): Promise<TotalComparison | null> {
  if (zohoTotal === undefined || !Number.isFinite(zohoTotal) || !details) return null;
  const c = compareTotals(zohoTotal, details);
  await deps.db.query(noRows`
    UPDATE transactions SET zoho_total = ${c.zohoTotal}, total_difference = ${c.difference} WHERE id = ${row.id}`);
  if (c.difference !== null && Number(c.difference) !== 0) {
    deps.metrics.record("BillTotalMismatch", 1, "Count");
    ctx.log.warn(
      { zohoTotal: c.zohoTotal, netsuiteTotal: details.total, difference: c.difference },
      "Zoho's total differs from NetSuite's",
    );
  }
  return c;
}
