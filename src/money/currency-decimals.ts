import currencyCodes from 'currency-codes';

/** Thrown for a code that ISO 4217 does not list, so no number of decimals can be given for it. */
export class UnknownCurrencyError extends RangeError {
  readonly code = 'UNKNOWN_CURRENCY';
  constructor(readonly currency: string) {
    super(`${JSON.stringify(currency)} is not an ISO 4217 currency code`);
    this.name = 'UnknownCurrencyError';
  }
}

const cache = new Map<string, number>();

/**
 * The number of decimals (minor units) of an ISO 4217 currency: JPY 0, EUR 2, KWD 3, CLF 4.
 * Read from the `currency-codes` package (the published ISO list), never from a hand-typed table.
 */
export function currencyDecimals(currency: string): number {
  const known = cache.get(currency);
  if (known !== undefined) return known;
  // The package looks codes up case-insensitively; NDC and ISO write them in capitals only.
  const digits = /^[A-Z]{3}$/.test(currency) ? currencyCodes.code(currency)?.digits : undefined;
  if (typeof digits !== 'number' || !Number.isInteger(digits)) throw new UnknownCurrencyError(currency);
  cache.set(currency, digits);
  return digits;
}

/** Whether ISO 4217 lists the code (and so gives its decimals). */
export function isKnownCurrency(currency: string): boolean {
  try {
    currencyDecimals(currency);
    return true;
  } catch {
    return false;
  }
}
