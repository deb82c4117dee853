import { decimalPlaces, formatMoney, roundDecimal } from '../../money/index.ts';
import { parsePath, type CompiledPath } from '../mapping-path.ts';
import { defineTransform, describeValue } from './transform-types.ts';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toNumber(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value.trim());
  throw new Error(`expected a number, got ${describeValue(value)}`);
}

export const numberTransform = defineTransform({
  name: 'number',
  description: 'Parses decimal text into a number (NDC amounts, counts).',
  input: 'scalar',
  apply: (value) => toNumber(value),
});

export const integerTransform = defineTransform({
  name: 'integer',
  description: 'Parses text into a whole number; refuses fractions.',
  input: 'scalar',
  apply: (value) => {
    const number = toNumber(value);
    if (!Number.isInteger(number)) throw new Error(`expected a whole number, got ${describeValue(value)}`);
    return number;
  },
});

export const booleanTransform = defineTransform({
  name: 'boolean',
  description: "Parses 'true'/'false'/'1'/'0' (xs:boolean) into a boolean.",
  input: 'scalar',
  apply: (value) => {
    if (value === true || value === 'true' || value === '1' || value === 1) return true;
    if (value === false || value === 'false' || value === '0' || value === 0) return false;
    throw new Error(`expected true, false, 1 or 0, got ${describeValue(value)}`);
  },
});

export const moneyTransform = defineTransform<CompiledPath>({
  name: 'money',
  description: "Formats an amount as text with its currency's ISO 4217 decimals (JPY 0, EUR 2, KWD 3), rounded half away from zero; args: the path of the currency code over the current item, e.g. { name: money, args: currency }.",
  input: 'scalar',
  prepare: (args) => {
    // The decimals depend on the currency, so a fixed count would be wrong for JPY or KWD.
    if (typeof args !== 'string' || args === '') throw new Error("money takes the path of the currency code, e.g. { name: money, args: currency }");
    return parsePath(args);
  },
  apply: (value, path, ctx) => {
    const currency = textOf(ctx.read(path));
    if (typeof currency !== 'string' || currency === '') throw new Error('the amount has no currency code');
    return formatMoney(toNumber(value), currency);
  },
});

/** The text of an attribute-bearing element as the parser gives it (`{ '#text': 'EUR', ... }`) or the value itself. */
function textOf(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && '#text' in value) return (value as Record<string, unknown>)['#text'];
  return value;
}

export const subtractTransform = defineTransform<CompiledPath>({
  name: 'subtract',
  description: "Subtracts the amount a path reads over the current item (absent: 0), e.g. a base amount as total minus taxes when a message gives only those: { name: subtract, args: 'Taxes.Total' }.",
  input: 'scalar',
  prepare: (args) => {
    if (typeof args !== 'string' || args === '') throw new Error("subtract takes the path of the amount to subtract, e.g. { name: subtract, args: 'Taxes.Total' }");
    return parsePath(args);
  },
  apply: (value, path, ctx) => {
    const other = textOf(ctx.read(path));
    if (other === undefined || other === null || other === '') return toNumber(value);
    // Decimal amounts: the difference keeps the decimals of its operands, not binary floating-point noise.
    return roundDecimal(toNumber(value) - toNumber(other), Math.max(decimalPlaces(String(value)), decimalPlaces(String(other))));
  },
});
