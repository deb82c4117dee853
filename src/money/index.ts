export { currencyDecimals, isKnownCurrency, UnknownCurrencyError } from './currency-decimals.ts';
export { addDecimals, decimalPlaces, formatMoney, fromMinorUnits, hasCurrencyDecimals, roundDecimal, roundMoney, toMinorUnits } from './round-amount.ts';
