import { addDecimals } from '../../money/index.ts';
import { defineTransform, requireText } from './transform-types.ts';

function prepareSeparator(name: string) {
  return (args: unknown): string | undefined => {
    if (args === undefined) return undefined;
    if (typeof args !== 'string') throw new Error(`${name} takes a separator text, e.g. { name: ${name}, args: ',' }`);
    return args;
  };
}

export const joinTransform = defineTransform<string | undefined>({
  name: 'join',
  description: "Joins a list into one text (args: separator, default ' '), e.g. NDC reference lists.",
  input: 'list',
  prepare: prepareSeparator('join'),
  apply: (value, separator) => {
    const list = Array.isArray(value) ? value : [value];
    return list.map((entry) => requireText(entry, 'a list of texts')).join(separator ?? ' ');
  },
});

export const splitTransform = defineTransform<string | undefined>({
  name: 'split',
  description: 'Splits text into a list (args: separator, default any white space); empty parts are dropped.',
  input: 'list',
  prepare: prepareSeparator('split'),
  apply: (value, separator) => {
    const list = Array.isArray(value) ? value : [value];
    return list.flatMap((entry) => requireText(entry, 'text').split(separator ?? /\s+/)).filter((part) => part !== '');
  },
});

export const firstTransform = defineTransform({
  name: 'first',
  description: 'Takes the first element of a list; a single value stays as it is.',
  input: 'list',
  apply: (value) => (Array.isArray(value) ? value[0] : value),
});

export const lastTransform = defineTransform({
  name: 'last',
  description: 'Takes the last element of a list (e.g. the part after a separator, with split); a single value stays as it is.',
  input: 'list',
  apply: (value) => (Array.isArray(value) ? value[value.length - 1] : value),
});

export const uniqueTransform = defineTransform({
  name: 'unique',
  description: 'Keeps the first of each equal element of a list, in order (e.g. 17.2 OfferItemIDs repeated once per ServiceSelection); a single value stays as it is.',
  input: 'list',
  apply: (value) => (Array.isArray(value) ? [...new Set(value)] : value),
});

export const countTransform = defineTransform({
  name: 'count',
  description: 'Counts the elements of a list: absent → 0, a single value → 1.',
  input: 'source',
  apply: (value) => (value === undefined ? 0 : Array.isArray(value) ? value.length : 1),
});

export const sumTransform = defineTransform({
  name: 'sum',
  description: 'Adds up a list of numbers (or decimal texts) exactly, keeping the most decimals among them: absent → 0, a single value stays as it is.',
  input: 'source',
  apply: (value) => {
    const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
    return addDecimals(list.map((entry) => {
      if (typeof entry !== 'number' && typeof entry !== 'string') throw new Error(`'${String(entry)}' is not a number`);
      return entry;
    }));
  },
});
