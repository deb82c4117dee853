import { defineTransform, requireText } from './transform-types.ts';

/** Numbers and booleans from a result become text; NDC values are text. */
export const stringTransform = defineTransform({
  name: 'string',
  description: 'Converts a number or boolean to text.',
  input: 'scalar',
  apply: (value) => requireText(value, 'text'),
});

export const upperTransform = defineTransform({
  name: 'upper',
  description: 'Upper-cases text (codes such as airports and currencies).',
  input: 'scalar',
  apply: (value) => requireText(value, 'text').toUpperCase(),
});

export const lowerTransform = defineTransform({
  name: 'lower',
  description: 'Lower-cases text.',
  input: 'scalar',
  apply: (value) => requireText(value, 'text').toLowerCase(),
});

export const trimTransform = defineTransform({
  name: 'trim',
  description: 'Removes leading and trailing white space; text that becomes empty is absent.',
  input: 'scalar',
  apply: (value) => requireText(value, 'text').trim(),
});

/** NDC text elements have length caps (names 50, codes 15…); a longer airline text must not break the XSD. */
export const truncateTransform = defineTransform<number>({
  name: 'truncate',
  description: 'Cuts text to at most N characters (args: N, required).',
  input: 'scalar',
  prepare: (args) => {
    if (typeof args !== 'number' || !Number.isInteger(args) || args < 1) throw new Error('truncate takes the maximum length, a whole number of at least 1');
    return args;
  },
  apply: (value, max) => Array.from(requireText(value, 'text')).slice(0, max).join(''),
});
