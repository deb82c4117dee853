import type { CheckFunction } from '../rule-types.ts';
import { stringOption } from './read-field.ts';

/** Every `parent` element holds at least one `child` (an Offer at least one OfferItem). */
export const childRequired: CheckFunction = (context, options) => {
  const parent = stringOption(options, 'parent');
  const child = stringOption(options, 'child');
  for (const node of context.nodes) {
    if (node.name !== parent) continue;
    // Only where the schema lets this parent hold the child: an element of the same name elsewhere is another thing.
    if (node.info && !node.info.child(child)) continue;
    if (!node.children.some((c) => c.name === child)) context.report(node, `${parent} has no ${child}`);
  }
};
