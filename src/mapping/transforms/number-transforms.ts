import { parsePath, type CompiledPath } from '../mapping-path.ts';
import { defineTransform, describeValue } from './transform-types.ts';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toNumber(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value.trim());
  throw new Error(`expected a number, got ${describeValue(value)}`);
}

/** Whether the shortest decimal text of the number has at most `decimals` digits after the point. */
function hasAtMostDecimals(value: number, decimals: number): boolean {
  const text = String(value);
  if (text.includes('e')) return false;
  const point = text.indexOf('.');
  return point < 0 || text.length - point - 1 <= decimals;
}

/** Rounds half away from zero on the decimal representation, so 1.005 → 1.01 as a person expects. */
function roundDecimal(value: number, decimals: number): number {
  // Most amounts already have their currency's decimals; only the others need the decimal round trip.
  if (hasAtMostDecimals(value, decimals)) return value;
  const sign = value < 0 ? -1 : 1;
  const magnitude = Math.abs(value);
  // Shifting the decimal point is done on the text; exponent notation (1e-7) is written out first.
  const digits = String(magnitude).includes('e') ? magnitude.toFixed(20) : String(magnitude);
  const rounded = sign * Number(`${Math.round(Number(`${digits}e${decimals}`))}e-${decimals}`);
  if (!Number.isFinite(rounded)) throw new Error(`cannot round ${value} to ${decimals} decimals`);
  return rounded;
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

export const moneyTransform = defineTransform<number>({
  name: 'money',
  description: 'Formats an amount as text with a fixed number of decimals (args: decimals, default 2).',
  input: 'scalar',
  prepare: (args) => {
    if (args === undefined) return 2;
    if (typeof args !== 'number' || !Number.isInteger(args) || args < 0 || args > 6) {
      throw new Error('money takes the number of decimals, a whole number from 0 to 6');
    }
    return args;
  },
  apply: (value, decimals) => roundDecimal(toNumber(value), decimals).toFixed(decimals),
});

/** Digits after the decimal point of a number's text (`'307.00'` → 2). */
function decimalsOf(value: unknown): number {
  const text = String(value).trim();
  const point = text.indexOf('.');
  return point < 0 ? 0 : text.length - point - 1;
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
    let other = ctx.read(path);
    if (other !== null && typeof other === 'object' && !Array.isArray(other) && '#text' in other) other = (other as Record<string, unknown>)['#text'];
    if (other === undefined || other === null || other === '') return toNumber(value);
    // Decimal amounts: the difference keeps the decimals of its operands, not binary floating-point noise.
    return roundDecimal(toNumber(value) - toNumber(other), Math.max(decimalsOf(value), decimalsOf(other)));
  },
});
