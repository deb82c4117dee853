import type { CheckFunction } from '../rule-types.ts';
import { childRequired } from './child-required.check.ts';
import { currencyAmount } from './currency-amount.check.ts';
import { dateTimeZone } from './date-time-zone.check.ts';
import { infantWithAdult } from './infant-with-adult.check.ts';
import { noEmptyElement } from './no-empty-element.check.ts';
import { ordinalSequence } from './ordinal-sequence.check.ts';
import { referenceIds } from './reference-ids.check.ts';
import { requiredChild } from './required-child.check.ts';
import { schemaIdrefs } from './schema-idrefs.check.ts';

/** The named checks a rule definition can use, like ajv's keywords. */
export const CHECKS: Readonly<Record<string, CheckFunction>> = Object.freeze({
  childRequired,
  currencyAmount,
  dateTimeZone,
  infantWithAdult,
  noEmptyElement,
  ordinalSequence,
  referenceIds,
  requiredChild,
  schemaIdrefs,
});
