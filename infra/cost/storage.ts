/**
 * PDF storage cost from the synthesized lifecycle rules: what one bill's PDF costs in each month
 * of its life (incoming until it expires, processed through STANDARD, STANDARD_IA and GLACIER to
 * its 7-year expiry), per million bills over seven years, and per month for a running volume.
 */
import { PRICES } from "./prices.ts";

type Json = Record<string, unknown>;
const DAYS_PER_MONTH = 30.42;

export interface Lifecycle {
  readonly incomingExpireDays: number;
  readonly iaAfterDays: number;
  readonly glacierAfterDays: number;
  readonly expireDays: number;
}

/** Lifecycle days of the incoming and processed buckets, from the stack's resources. */
export function lifecycleOf(resource: Record<string, Record<string, Json>>): Lifecycle {
  const buckets = resource.aws_s3_bucket ?? {};
  const ruleFor = (fragment: string): Json => {
    const found = Object.values(resource.aws_s3_bucket_lifecycle_configuration ?? {}).find((c) => {
      const ref = String(c.bucket).match(/aws_s3_bucket\.([^.]+)\./)?.[1] ?? "";
      return String(buckets[ref]?.bucket ?? "").includes(fragment);
    });
    if (!found) throw new Error(`no lifecycle for the ${fragment} bucket`);
    return (found.rule as Json[])[0]!;
  };
  const processed = ruleFor("-processed-");
  const incoming = ruleFor("-incoming-");
  const transition = (cls: string) =>
    Number(((processed.transition as Json[]) ?? []).find((x) => x.storage_class === cls)?.days);
  return {
    incomingExpireDays: Number((incoming.expiration as Json[])[0]!.days),
    iaAfterDays: transition("STANDARD_IA"),
    glacierAfterDays: transition("GLACIER"),
    expireDays: Number((processed.expiration as Json[])[0]!.days),
  };
}

/** Storage cost of one PDF of `kb` KB in month `age` (0 = the month it arrived), USD. */
export function monthCostPerPdf(l: Lifecycle, kb: number, age: number): number {
  const gb = kb / 1024 ** 2;
  const from = age * DAYS_PER_MONTH;
  const to = from + DAYS_PER_MONTH;
  const overlap = (a: number, b: number) => Math.max(0, Math.min(to, b) - Math.max(from, a)) / DAYS_PER_MONTH;
  const glacierOverheadGb = { standard: 8 / 1024 ** 2, glacier: 32 / 1024 ** 2 };
  return (
    // incoming (transit): STANDARD until it expires, plus one day as a noncurrent version
    overlap(0, l.incomingExpireDays + 1) * gb * PRICES.s3StandardGbMonth.usd +
    overlap(0, l.iaAfterDays) * gb * PRICES.s3StandardGbMonth.usd +
    overlap(l.iaAfterDays, l.glacierAfterDays) * gb * PRICES.s3StandardIaGbMonth.usd +
    overlap(l.glacierAfterDays, l.expireDays) *
      ((gb + glacierOverheadGb.glacier) * PRICES.s3GlacierGbMonth.usd +
        glacierOverheadGb.standard * PRICES.s3StandardGbMonth.usd)
  );
}

/** One-time request costs per PDF: PUT to incoming, COPY to processed, two transitions. */
export function requestCostPerPdf(): number {
  return (2 * PRICES.s3Put1k.usd + PRICES.s3TransitionIa1k.usd + PRICES.s3TransitionGlacier1k.usd) / 1000;
}

export interface SevenYears {
  readonly storeOnce: number;
  /** The same bills if incoming kept its copy for 7 years under the retention tiers (before issue 19.3). */
  readonly storedTwice: number;
}

/** Cost of one million bills' PDFs over their seven years, USD. */
export function perMillionOverSevenYears(l: Lifecycle, kb: number): SevenYears {
  const months = Math.ceil(l.expireDays / DAYS_PER_MONTH);
  let once = 0;
  for (let age = 0; age < months; age++) once += monthCostPerPdf(l, kb, age);
  const noTransit: Lifecycle = { ...l, incomingExpireDays: -1 };
  let processedOnly = 0;
  for (let age = 0; age < months; age++) processedOnly += monthCostPerPdf(noTransit, kb, age);
  const transitions = (PRICES.s3TransitionIa1k.usd + PRICES.s3TransitionGlacier1k.usd) / 1000;
  return {
    storeOnce: 1e6 * (once + requestCostPerPdf()),
    storedTwice: 1e6 * (2 * processedOnly + requestCostPerPdf() + transitions),
  };
}

/** S3 storage per month once `years` of bills have accumulated at `billsPerMonth`, USD. */
export function monthlyStorageAfter(l: Lifecycle, kb: number, billsPerMonth: number, years: number): number {
  let perBill = requestCostPerPdf();
  for (let age = 0; age < years * 12; age++) perBill += monthCostPerPdf(l, kb, age);
  return billsPerMonth * perBill;
}
