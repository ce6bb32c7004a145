import t from "tap";
import {
  CURRENCY_CODES,
  decimalOf,
  formatMinorUnits,
  isCurrencyCode,
  minorUnits,
  multiply,
  rescale,
  toMinorUnits,
} from "../money.ts";

t.test("decimalOf reads the exact decimal a JSON number stands for, exponent forms included", async (t) => {
  t.same(decimalOf(1250.5), { units: 12505n, scale: 1 });
  t.same(decimalOf(0.1), { units: 1n, scale: 1 }, "0.1 is one tenth, not 0.1000000000000000055...");
  t.same(decimalOf(-0.01), { units: -1n, scale: 2 });
  t.same(decimalOf(1.5e-7), { units: 15n, scale: 8 });
  t.same(decimalOf(1.5e21), { units: 1_500_000_000_000_000_000_000n, scale: 0 });
  t.same(decimalOf(0), { units: 0n, scale: 0 });
  t.throws(() => decimalOf(Number.NaN), RangeError);
  t.throws(() => decimalOf(Number.POSITIVE_INFINITY), RangeError);
});

t.test("toMinorUnits is exact, and refuses more decimals than the currency has", async (t) => {
  t.equal(toMinorUnits(1250.5, 2), 125050n);
  t.equal(toMinorUnits(1250, 0), 1250n);
  t.equal(toMinorUnits(1.125, 3), 1125n);
  t.equal(toMinorUnits(1250.5, 0), null, "half a yen does not exist");
  t.equal(toMinorUnits(0.1 + 0.2, 2), null, "a float-drifted 0.30000000000000004 is refused, not rounded");
  t.equal(toMinorUnits(0.3, 2), 30n);
  t.equal(toMinorUnits(9_999_999_999_999.99, 2), 999_999_999_999_999n, "15 digits round-trip exactly");
});

t.test("products and rescaling stay exact where doubles drift", async (t) => {
  const p = multiply(decimalOf(3), decimalOf(0.1));
  t.equal(3 * 0.1, 0.30000000000000004, "the double product drifts");
  t.equal(rescale(p, 2), 30n, "the exact product is 0.30");
  t.throws(() => rescale(decimalOf(0.125), 2), RangeError, "never rounds silently");
});

t.test("formatMinorUnits prints exactly the currency's places", async (t) => {
  t.equal(formatMinorUnits(125050n, 2), "1250.50");
  t.equal(formatMinorUnits(-1n, 2), "-0.01");
  t.equal(formatMinorUnits(5n, 3), "0.005");
  t.equal(formatMinorUnits(1250n, 0), "1250");
});

t.test("currency codes come from ICU's ISO 4217 list; minor units from ISO 4217", async (t) => {
  for (const code of ["EUR", "USD", "JPY", "GBP", "CHF", "KWD", "INR"]) t.ok(isCurrencyCode(code), code);
  for (const code of ["XYZ", "DEM", "EUROS", "usd", ""]) t.notOk(isCurrencyCode(code), `${code} is not a code`);
  t.ok(CURRENCY_CODES.size > 150, `${CURRENCY_CODES.size} codes`);
  t.equal(minorUnits("EUR"), 2);
  t.equal(minorUnits("JPY"), 0);
  t.equal(minorUnits("BHD"), 3);
  t.equal(minorUnits("HUF"), 2, "ISO says 2 where ICU's display digits say 0");
  t.equal(minorUnits(undefined), 2);
});
