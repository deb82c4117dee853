import { code as currencyOf } from 'currency-codes';
import type { CheckFunction, DocNode } from '../rule-types.ts';
import { stringOption } from './read-field.ts';

const DECIMAL = /^[+-]?(\d+)(?:\.(\d*))?$/;

const XSD = '{http://www.w3.org/2001/XMLSchema}';
const NUMBER_TYPES = new Set(['decimal', 'integer', 'nonNegativeInteger', 'positiveInteger', 'long', 'int', 'double', 'float'].map((name) => `${XSD}${name}`));

/**
 * Whether a node is an amount: the schema gives it a number as text (through its named types) and
 * the currency attribute. Without a schema model, an element with the attribute and a decimal
 * text counts.
 */
function isAmount(node: DocNode, attribute: string): boolean {
  const { info } = node;
  if (!info) return node.attributes[attribute] !== undefined && DECIMAL.test(node.text);
  return info.builtinType !== undefined && NUMBER_TYPES.has(info.builtinType) && info.attributes.includes(attribute);
}

/**
 * Every amount names its currency, an ISO 4217 code, and is written with exactly that currency's
 * minor units (JPY 0, EUR 2, KWD 3), taken from the `currency-codes` package, the published list.
 */
export const currencyAmount: CheckFunction = (context, options) => {
  const attribute = stringOption(options, 'currencyAttribute');
  for (const node of context.nodes) {
    if (!isAmount(node, attribute)) continue;
    const currency = node.attributes[attribute];
    if (currency === undefined || currency.trim() === '') {
      context.report(node, `amount ${node.text} of ${node.name} has no currency code (${attribute})`);
      continue;
    }
    const record = currencyOf(currency.trim());
    if (!record) {
      context.report(node, `currency '${currency}' of ${node.name} is not an ISO 4217 code`, attribute);
      continue;
    }
    const match = DECIMAL.exec(node.text);
    if (!match) continue; // not a number: the XSD says so
    const decimals = match[2]?.length ?? 0;
    if (decimals !== record.digits) {
      context.report(node, `amount ${node.text} ${record.code} of ${node.name} has ${decimals} decimals; ${record.code} has ${record.digits}`);
    }
  }
};
