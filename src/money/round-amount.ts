import { currencyDecimals } from './currency-decimals.ts';

/**
 * The one place where amounts are rounded. The rule is half away from zero on the decimal
 * text (1.005 → 1.01, -0.5 → -1), as a person rounds, not on the binary float (where 1.005 is
 * 1.00499…). Everything else (sums, differences, minor units) is exact arithmetic on amounts
 * that already have their currency's decimals.
 */
export function roundDecimal(value: number, decimals: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`cannot round ${value}`);
  // Most amounts already have their currency's decimals; only the others need the decimal round trip.
  if (decimalPlaces(value) <= decimals) return value;
  const sign = value < 0 ? -1 : 1;
  const magnitude = Math.abs(value);
  // Shifting the decimal point is done on the text; exponent notation (1e-7) is written out first.
  const digits = String(magnitude).includes('e') ? magnitude.toFixed(20) : String(magnitude);
  const rounded = sign * Number(`${Math.round(Number(`${digits}e${decimals}`))}e-${decimals}`);
  if (!Number.isFinite(rounded)) throw new RangeError(`cannot round ${value} to ${decimals} decimals`);
  // -0 reads as 0 in every answer.
  return rounded === 0 ? 0 : rounded;
}

/** Digits after the decimal point of a number's shortest text (`12.5` → 1); exponent forms count as many. */
export function decimalPlaces(value: number | string): number {
  const text = String(value).trim();
  const exponent = /e([+-]?\d+)$/i.exec(text);
  if (exponent) {
    const mantissa = text.slice(0, exponent.index);
    return Math.max(0, decimalPlaces(mantissa) - Number(exponent[1]));
  }
  const point = text.indexOf('.');
  return point < 0 ? 0 : text.length - point - 1;
}

/** An amount rounded to its currency's decimals. */
export function roundMoney(amount: number, currency: string): number {
  return roundDecimal(amount, currencyDecimals(currency));
}

/** An amount as NDC and the REST API write it: exactly the currency's decimals (`1500` JPY → `'1500'`, `12.5` KWD → `'12.500'`). */
export function formatMoney(amount: number, currency: string): string {
  const decimals = currencyDecimals(currency);
  return roundDecimal(amount, decimals).toFixed(decimals);
}

/** An amount in whole minor units of its currency (12.34 EUR → 1234, 1500 JPY → 1500), rounded once here. */
export function toMinorUnits(amount: number, currency: string): number {
  const decimals = currencyDecimals(currency);
  // The rounded amount has at most `decimals` digits, so scaling it is off by far less than one unit.
  return Math.round(roundDecimal(amount, decimals) * 10 ** decimals);
}

/** Minor units back as a decimal amount (1234 EUR → 12.34, 12345 KWD → 12.345). */
export function fromMinorUnits(minor: number, currency: string): number {
  const decimals = currencyDecimals(currency);
  return Number((minor / 10 ** decimals).toFixed(decimals));
}

/**
 * Whether the amount has no more decimals than its currency allows (12.345 EUR: no; 12.345 KWD:
 * yes). Binary noise of a sum (0.1 + 0.2) is not a decimal the sender meant, so it passes.
 */
export function hasCurrencyDecimals(amount: number, currency: string): boolean {
  if (!Number.isFinite(amount)) return false;
  const rounded = roundDecimal(amount, currencyDecimals(currency));
  return Math.abs(rounded - amount) <= 8 * Number.EPSILON * Math.max(1, Math.abs(amount));
}

/**
 * Exact sum of decimal amounts (numbers or decimal texts) with no currency at hand: added as
 * integers at the largest number of decimals among them, so nothing is rounded.
 */
export function addDecimals(values: readonly (number | string)[]): number {
  const numbers = values.map((value) => {
    const number = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(number)) throw new RangeError(`'${String(value)}' is not a number`);
    return { number, places: decimalPlaces(value) };
  });
  const places = Math.min(20, numbers.reduce((max, n) => Math.max(max, n.places), 0));
  const scale = 10 ** places;
  let units = 0;
  for (const { number } of numbers) units += Math.round(number * scale);
  return Number((units / scale).toFixed(places));
}
