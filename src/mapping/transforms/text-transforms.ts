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
