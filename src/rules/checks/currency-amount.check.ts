import { code as currencyOf } from 'currency-codes';
import type { CheckFunction, DocNode } from '../rule-types.ts';
import { stringOption } from './read-field.ts';

const DECIMAL = /^[+-]?(\d+)(?:\.(\d*))?$/;

/**
 * Whether a node is an amount: the schema gives its type text content and the currency attribute
 * (and, where `typePattern` is set, a type name that matches it: 17.2 calls many code attributes
 * `Code`). Without a schema model, an element with the attribute and a decimal text counts.
 */
function isAmount(node: DocNode, attribute: string, typePattern: RegExp | undefined): boolean {
  const { info } = node;
  if (!info) return node.attributes[attribute] !== undefined && DECIMAL.test(node.text);
  if (!info.hasText || !info.attributes.includes(attribute)) return false;
  return typePattern === undefined || typePattern.test(info.typeName ?? '');
}

/**
 * Every amount names its currency, an ISO 4217 code, and is written with exactly that currency's
 * minor units (JPY 0, EUR 2, KWD 3), taken from the `currency-codes` package, the published list.
 */
export const currencyAmount: CheckFunction = (context, options) => {
  const attribute = stringOption(options, 'currencyAttribute');
  const pattern = typeof options.typePattern === 'string' ? new RegExp(options.typePattern) : undefined;
  for (const node of context.nodes) {
    if (!isAmount(node, attribute, pattern)) continue;
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
