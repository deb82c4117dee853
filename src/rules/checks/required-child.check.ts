import type { CheckFunction } from '../rule-types.ts';
import { stringOption } from './read-field.ts';

/** The root element has a child `element` (the distribution chain of an order request, for one). */
export const requiredChild: CheckFunction = (context, options) => {
  const element = stringOption(options, 'element');
  if (!context.root.children.some((child) => child.name === element)) {
    context.report(context.root, `${context.root.name} has no ${element}`);
  }
};
