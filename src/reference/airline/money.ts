import { GatewayError } from '../../errors/index.ts';
import { currencyDecimals, fromMinorUnits, toMinorUnits } from '../../money/index.ts';
import type { CurrencyTable } from './airline-data.ts';
import type { Price, TaxAmount } from '../../contracts/airline/index.ts';

/**
 * Money is computed in integer minor units of the target currency, so base + taxes = total holds
 * exactly and sums over passengers never drift.
 */
export interface MinorPrice {
  readonly currency: string;
  readonly base: number;
  /** Tax amounts by code, in minor units, in the order they were first added. */
  readonly taxes: ReadonlyMap<string, { readonly description: string; readonly amount: number }>;
}

/** Converts amounts filed in the base currency and checks that a currency is served. */
export interface CurrencyConverter {
  readonly base: string;
  has(currency: string): boolean;
  /** Throws INVALID_BUSINESS_DATA for currencies without a rate. */
  check(currency: string, path?: string): void;
  decimals(currency: string): number;
  /** Units of `currency` for one unit of the base currency. */
  rate(currency: string): number;
  /** An amount in the base currency as minor units of `currency`, rounded half up. */
  toMinor(amountInBase: number, currency: string): number;
  /** Minor units as a decimal number, e.g. 12345 USD → 123.45. */
  toMajor(minor: number, currency: string): number;
}

/** Builds the converter from the currency table. */
export function createCurrencyConverter(table: CurrencyTable): CurrencyConverter {
  const rateOf = (currency: string): number => {
    const found = table.currencies[currency];
    if (!found) throw new GatewayError('INVALID_BUSINESS_DATA', `Currency ${currency} is not offered`);
    return found.rate;
  };
  return {
    base: table.base,
    has: (currency) => currency in table.currencies,
    check(currency, path) {
      if (!(currency in table.currencies)) {
        throw new GatewayError('INVALID_BUSINESS_DATA', `Currency ${currency} is not offered; use one of ${Object.keys(table.currencies).join(', ')}`,
          [{ message: `unsupported currency ${currency}`, ...(path ? { path } : {}) }]);
      }
    },
    decimals: (currency) => {
      rateOf(currency);
      return currencyDecimals(currency);
    },
    rate: (currency) => rateOf(currency) / rateOf(table.base),
    toMinor(amountInBase, currency) {
      // A converted amount has binary noise beyond the rate's digits; the one rounding is in src/money.
      return toMinorUnits(amountInBase * rateOf(currency) / rateOf(table.base), currency);
    },
    toMajor(minor, currency) {
      rateOf(currency);
      return fromMinorUnits(minor, currency);
    },
  };
}

/** A price with no taxes. */
export function minorPrice(currency: string, base: number, taxes: ReadonlyMap<string, { description: string; amount: number }> = new Map()): MinorPrice {
  return { currency, base, taxes };
}

/** Adds a tax amount under its code (codes that occur twice, such as US on departure and arrival, are summed). */
export function addTax(taxes: Map<string, { description: string; amount: number }>, code: string, description: string, amount: number): void {
  const current = taxes.get(code);
  if (current) current.amount += amount;
  else taxes.set(code, { description, amount });
}

/** The price of `count` identical units. */
export function multiplyPrice(price: MinorPrice, count: number): MinorPrice {
  const taxes = new Map<string, { description: string; amount: number }>();
  for (const [code, t] of price.taxes) taxes.set(code, { description: t.description, amount: t.amount * count });
  return { currency: price.currency, base: price.base * count, taxes };
}

/** Sum of prices in one currency. */
export function sumPrices(currency: string, prices: readonly MinorPrice[]): MinorPrice {
  const taxes = new Map<string, { description: string; amount: number }>();
  let base = 0;
  for (const p of prices) {
    base += p.base;
    for (const [code, t] of p.taxes) addTax(taxes, code, t.description, t.amount);
  }
  return { currency, base, taxes };
}

/** The contract's Price: decimal amounts, taxes = sum of the breakdown, total = base + taxes. */
export function toPrice(price: MinorPrice, converter: CurrencyConverter): Price {
  const major = (minor: number): number => converter.toMajor(minor, price.currency);
  let taxMinor = 0;
  const taxBreakdown: TaxAmount[] = [];
  for (const [code, t] of price.taxes) {
    taxMinor += t.amount;
    taxBreakdown.push({ code, amount: major(t.amount), description: t.description });
  }
  return { base: major(price.base), taxes: major(taxMinor), total: major(price.base + taxMinor), currency: price.currency, taxBreakdown };
}

/** Total of a Price in minor units, for comparisons. */
export function totalMinor(price: MinorPrice): number {
  let total = price.base;
  for (const t of price.taxes.values()) total += t.amount;
  return total;
}
