import type { CheckFunction } from '../rule-types.ts';
import { listOption, stringOption } from './read-field.ts';

/**
 * Every `parent` element holds at least one of `children` (an Offer at least one OfferItem, or in
 * OrderReshopRS an AddedOfferItem or a DeleteOrderItem). Only where the schema lets this parent hold one of them: an
 * element of the same name elsewhere is another thing.
 */
export const childRequired: CheckFunction = (context, options) => {
  const parent = stringOption(options, 'parent');
  const children = listOption(options, 'children');
  for (const node of context.nodes) {
    if (node.name !== parent) continue;
    const { info } = node;
    if (info && !children.some((name) => info.child(name))) continue;
    if (!node.children.some((child) => children.includes(child.name))) context.report(node, `${parent} has no ${children.join(' or ')}`);
  }
};
