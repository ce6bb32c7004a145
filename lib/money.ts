/**
 * Money without float drift. Amounts travel as JSON numbers in major units (1250.5 is EUR 1,250.50),
 * with no more decimals than the currency has. Before any sum, product or comparison each one is
 * turned into an exact decimal (a BigInt count of units and a scale) read from the number's shortest
 * round-trip text, which for at most 15 significant digits is exactly the text the sender wrote; no
 * arithmetic ever happens on doubles. Big.js would do the same with a dependency; the four operations
 * needed here (read, rescale, compare, print) are a few lines of BigInt.
 */

/**
 * ISO 4217 codes as ICU ships them with Node (Unicode CLDR): the currencies in use and the recently
 * withdrawn ones still tendered. Fund and precious-metal codes (BOV, XAU, ...) are not on it.
 */
export const CURRENCY_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

/**
 * ISO 4217 minor units ("List One", the E column) where they are not 2. ICU's own digits are display
 * digits (CLDR gives HUF, IDR or COP 0 where ISO gives 2), so they are not used for validation.
 */
const ISO_MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** Minor units of a bill whose currency is not given: the ISO 4217 common case. */
export const DEFAULT_MINOR_UNITS = 2;

/**
 * Largest amount in minor units (15 digits: EUR 9,999,999,999,999.99). Up to 15 significant digits a
 * JSON number round-trips to the same decimal text, so the amount is exactly what was sent.
 */
export const MAX_MINOR_UNITS = 999_999_999_999_999n;

export function isCurrencyCode(code: string): boolean {
  return CURRENCY_CODES.has(code);
}

/** Decimal places of the currency (ISO 4217); DEFAULT_MINOR_UNITS when no code is given. */
export function minorUnits(currencyCode: string | undefined): number {
  if (currencyCode === undefined) return DEFAULT_MINOR_UNITS;
  return ISO_MINOR_UNITS[currencyCode] ?? DEFAULT_MINOR_UNITS;
}

/** An exact decimal: units / 10^scale. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** The exact decimal a finite JSON number stands for (its shortest round-trip text, e.g. "1.5e-7"). */
export function decimalOf(value: number): Decimal {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const [mantissa = "0", exponent = "0"] = String(value).toLowerCase().split("e");
  const negative = mantissa.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? mantissa.slice(1) : mantissa).split(".");
  let units = BigInt(whole + fraction);
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: negative ? -units : units, scale };
}

/** The decimal at a larger (or equal) scale: same value, more digits. */
export function rescale(d: Decimal, scale: number): bigint {
  if (scale < d.scale) throw new RangeError(`cannot rescale ${d.scale} decimals down to ${scale}`);
  return d.units * 10n ** BigInt(scale - d.scale);
}

/** The product of two decimals, exactly. */
export function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** A JSON amount as integer minor units, or null when it has more decimals than `digits`. */
export function toMinorUnits(value: number, digits: number): bigint | null {
  const d = decimalOf(value);
  return d.scale > digits ? null : rescale(d, digits);
}

/** Minor units printed as a decimal with exactly `digits` places ("1250.50", "-0.01", "1250"). */
export function formatMinorUnits(units: bigint, digits: number): string {
  const sign = units < 0n ? "-" : "";
  const text = (units < 0n ? -units : units).toString().padStart(digits + 1, "0");
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export const abs = (n: bigint): bigint => (n < 0n ? -n : n);
