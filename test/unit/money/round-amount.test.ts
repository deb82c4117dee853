import { describe, expect, it } from 'vitest';
import {
  addDecimals, currencyDecimals, formatMoney, fromMinorUnits, hasCurrencyDecimals, isKnownCurrency, roundMoney, toMinorUnits, UnknownCurrencyError,
} from '../../../src/money/index.ts';

describe('currency decimals from ISO 4217', () => {
  it.each([['JPY', 0], ['KRW', 0], ['EUR', 2], ['USD', 2], ['KWD', 3], ['BHD', 3], ['CLF', 4]])('%s has %i', (currency, decimals) => {
    expect(currencyDecimals(currency)).toBe(decimals);
  });

  it('refuses a code ISO 4217 does not list', () => {
    expect(() => currencyDecimals('ABC')).toThrow(UnknownCurrencyError);
    expect(() => currencyDecimals('eur')).toThrow(/not an ISO 4217 currency code/);
    expect(isKnownCurrency('KWD')).toBe(true);
    expect(isKnownCurrency('ABC')).toBe(false);
  });
});

describe('rounding, once, half away from zero', () => {
  it.each([
    [1.005, 'EUR', '1.01'], [-2.345, 'EUR', '-2.35'], [120.5, 'EUR', '120.50'], [0.30000000000000004, 'EUR', '0.30'],
    [1500, 'JPY', '1500'], [2.5, 'JPY', '3'], [-2.5, 'JPY', '-3'], [1234.49, 'JPY', '1234'],
    [12.5, 'KWD', '12.500'], [1.0005, 'KWD', '1.001'], [99.9995, 'KWD', '100.000'], [-0.0004, 'KWD', '0.000'],
  ])('%d %s → %s', (amount, currency, text) => {
    expect(formatMoney(amount, currency)).toBe(text);
    expect(roundMoney(amount, currency)).toBe(Number(text));
  });

  it('converts to and from minor units of the currency', () => {
    expect(toMinorUnits(12.34, 'EUR')).toBe(1234);
    expect(toMinorUnits(1.15, 'EUR')).toBe(115);
    expect(toMinorUnits(1500, 'JPY')).toBe(1500);
    expect(toMinorUnits(12.345, 'KWD')).toBe(12345);
    expect(fromMinorUnits(12345, 'KWD')).toBe(12.345);
    expect(fromMinorUnits(1234, 'EUR')).toBe(12.34);
    expect(fromMinorUnits(1500, 'JPY')).toBe(1500);
  });

  it('tells whether an amount has no more decimals than its currency allows', () => {
    expect(hasCurrencyDecimals(12.345, 'KWD')).toBe(true);
    expect(hasCurrencyDecimals(12.345, 'EUR')).toBe(false);
    expect(hasCurrencyDecimals(1500.5, 'JPY')).toBe(false);
    expect(hasCurrencyDecimals(1500, 'JPY')).toBe(true);
    expect(hasCurrencyDecimals(0.1 + 0.2, 'EUR')).toBe(true);
    expect(hasCurrencyDecimals(10.001, 'EUR')).toBe(false);
  });

  it('adds decimal amounts exactly, with no currency and no rounding', () => {
    expect(addDecimals([0.1, 0.2])).toBe(0.3);
    expect(addDecimals(['307.00', '1.005'])).toBe(308.005);
    expect(addDecimals([])).toBe(0);
    expect(addDecimals([1e-7, 1])).toBe(1.0000001);
    expect(() => addDecimals(['x'])).toThrow(/not a number/);
  });
});
