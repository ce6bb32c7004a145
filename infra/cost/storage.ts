/**
 * PDF storage cost from the synthesized lifecycle rules: what one bill's PDF costs in each month
 * of its life (incoming until its delivered copy expires, or the backstop for the share never
 * delivered; processed through STANDARD, STANDARD_IA and GLACIER to its 7-year expiry), per million
 * bills over seven years, and per month for a running volume.
 */
import { PRICES } from "./prices.ts";

type Json = Record<string, unknown>;
const DAYS_PER_MONTH = 30.42;

export interface Lifecycle {
  /**
   * Days a delivered PDF stays in incoming: the tag rule's expiry and its noncurrent day, plus a
   * day for S3 rounding each of the two up to the next midnight UTC (half a day each on average).
   */
  readonly incomingDeliveredDays: number;
  /** Days an undelivered (untagged) PDF stays: the backstop rule's expiry. */
  readonly incomingBackstopDays: number;
  readonly iaAfterDays: number;
  readonly glacierAfterDays: number;
  readonly expireDays: number;
}

/** Lifecycle days of the incoming and processed buckets, from the stack's resources. */
export function lifecycleOf(resource: Record<string, Record<string, Json>>): Lifecycle {
  const buckets = resource.aws_s3_bucket ?? {};
  const rulesFor = (fragment: string): Json[] => {
    const found = Object.values(resource.aws_s3_bucket_lifecycle_configuration ?? {}).find((c) => {
      const ref = String(c.bucket).match(/aws_s3_bucket\.([^.]+)\./)?.[1] ?? "";
      return String(buckets[ref]?.bucket ?? "").includes(fragment);
    });
    if (!found) throw new Error(`no lifecycle for the ${fragment} bucket`);
    return found.rule as Json[];
  };
  const byId = (rules: Json[], id: string): Json => {
    const rule = rules.find((r) => r.id === id);
    if (!rule) throw new Error(`no lifecycle rule ${id}`);
    return rule;
  };
  const days = (rule: Json, block: string, field: string) => Number((rule[block] as Json[])[0]![field]);
  const processed = rulesFor("-processed-")[0]!;
  const incoming = rulesFor("-incoming-");
  const delivered = byId(incoming, "delivered-stored-once");
  const transition = (cls: string) =>
    Number(((processed.transition as Json[]) ?? []).find((x) => x.storage_class === cls)?.days);
  return {
    incomingDeliveredDays:
      days(delivered, "expiration", "days") + days(delivered, "noncurrent_version_expiration", "noncurrent_days") + 1,
    incomingBackstopDays: days(byId(incoming, "undelivered-backstop"), "expiration", "days"),
    iaAfterDays: transition("STANDARD_IA"),
    glacierAfterDays: transition("GLACIER"),
    expireDays: days(processed, "expiration", "days"),
  };
}

/** What the storage figures assume of the bills: PDF size, and the share never delivered. */
export interface PdfUsage {
  readonly pdfKb: number;
  /** Bills resolved without delivery: their PDF is never tagged and stays until the backstop. */
  readonly undeliveredShare: number;
}

/** Storage cost of one bill's PDF in month `age` (0 = the month it arrived), USD. */
export function monthCostPerPdf(l: Lifecycle, u: PdfUsage, age: number): number {
  const gb = u.pdfKb / 1024 ** 2;
  const from = age * DAYS_PER_MONTH;
  const to = from + DAYS_PER_MONTH;
  const overlap = (a: number, b: number) => Math.max(0, Math.min(to, b) - Math.max(from, a)) / DAYS_PER_MONTH;
  const glacierOverheadGb = { standard: 8 / 1024 ** 2, glacier: 32 / 1024 ** 2 };
  const delivered = 1 - u.undeliveredShare;
  return (
    // incoming (transit), STANDARD: a delivered PDF for its few days, with its tag; an undelivered
    // one until the backstop, plus a day as a noncurrent version
    delivered *
      overlap(0, l.incomingDeliveredDays) *
      (gb * PRICES.s3StandardGbMonth.usd + PRICES.s3Tags10kMonth.usd / 1e4) +
    u.undeliveredShare * overlap(0, l.incomingBackstopDays + 1) * gb * PRICES.s3StandardGbMonth.usd +
    overlap(0, l.iaAfterDays) * gb * PRICES.s3StandardGbMonth.usd +
    overlap(l.iaAfterDays, l.glacierAfterDays) * gb * PRICES.s3StandardIaGbMonth.usd +
    overlap(l.glacierAfterDays, l.expireDays) *
      ((gb + glacierOverheadGb.glacier) * PRICES.s3GlacierGbMonth.usd +
        glacierOverheadGb.standard * PRICES.s3StandardGbMonth.usd)
  );
}

/** One-time request costs per PDF: PUT to incoming, COPY to processed, the stored-once tag, two transitions. */
export function requestCostPerPdf(u: PdfUsage): number {
  const puts = 2 + (1 - u.undeliveredShare);
  return (puts * PRICES.s3Put1k.usd + PRICES.s3TransitionIa1k.usd + PRICES.s3TransitionGlacier1k.usd) / 1000;
}

export interface SevenYears {
  readonly storeOnce: number;
  /** The same bills if incoming kept its copy for 7 years under the retention tiers (before issue 19.3). */
  readonly storedTwice: number;
}

/** Cost of one million bills' PDFs over their seven years, USD. */
export function perMillionOverSevenYears(l: Lifecycle, u: PdfUsage): SevenYears {
  const months = Math.ceil(l.expireDays / DAYS_PER_MONTH);
  let once = 0;
  for (let age = 0; age < months; age++) once += monthCostPerPdf(l, u, age);
  const noTransit: Lifecycle = { ...l, incomingDeliveredDays: -1, incomingBackstopDays: -1 };
  const noTag: PdfUsage = { ...u, undeliveredShare: 1 };
  let processedOnly = 0;
  for (let age = 0; age < months; age++) processedOnly += monthCostPerPdf(noTransit, noTag, age);
  const transitions = (PRICES.s3TransitionIa1k.usd + PRICES.s3TransitionGlacier1k.usd) / 1000;
  return {
    storeOnce: 1e6 * (once + requestCostPerPdf(u)),
    storedTwice: 1e6 * (2 * processedOnly + requestCostPerPdf(noTag) + transitions),
  };
}

/** S3 storage per month once `years` of bills have accumulated at `billsPerMonth`, USD. */
export function monthlyStorageAfter(l: Lifecycle, u: PdfUsage, billsPerMonth: number, years: number): number {
  let perBill = requestCostPerPdf(u);
  for (let age = 0; age < years * 12; age++) perBill += monthCostPerPdf(l, u, age);
  return billsPerMonth * perBill;
}
