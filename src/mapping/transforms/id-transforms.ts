import { randomUUID } from 'node:crypto';
import { defineTransform } from './transform-types.ts';

export const uuidTransform = defineTransform<string>({
  name: 'uuid',
  description: 'A new random UUID, with an optional prefix (args), e.g. for ShoppingResponseID.',
  input: 'source',
  prepare: (args) => {
    if (args === undefined) return '';
    if (typeof args !== 'string') throw new Error('uuid takes a prefix text');
    return args;
  },
  apply: (_value, prefix) => `${prefix}${randomUUID()}`,
});
