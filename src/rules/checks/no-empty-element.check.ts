import type { CheckFunction } from '../rule-types.ts';

/**
 * No element is empty: no text, no attributes, no children. Elements whose schema type has no
 * content at all (a marker such as an indicator element) are what they should be, and pass.
 */
export const noEmptyElement: CheckFunction = (context) => {
  for (const node of context.nodes) {
    if (node.text !== '' || node.children.length > 0 || Object.keys(node.attributes).length > 0) continue;
    const { info } = node;
    if (info && !info.hasText && info.childOrder.length === 0 && !info.anyElement) continue;
    context.report(node, `${node.name} is empty`);
  }
};
