import type { CheckFunction, DocNode } from '../rule-types.ts';
import { fieldNode, readField, stringOption } from './read-field.ts';

/**
 * Siblings that carry an ordinal (`field`: a child element, or `@Attribute`) number themselves
 * 1, 2, 3… : the first is 1, none repeats and none is skipped. Order in the document does not matter.
 */
export const ordinalSequence: CheckFunction = (context, options) => {
  const field = stringOption(options, 'field');
  for (const parent of context.nodes) {
    const numbered: { node: DocNode; value: number; raw: string }[] = [];
    for (const child of parent.children) {
      const raw = readField(child, field);
      if (raw !== undefined) numbered.push({ node: child, value: Number(raw), raw });
    }
    if (numbered.length === 0) continue;
    const sorted = [...numbered].sort((a, b) => a.value - b.value);
    sorted.forEach((entry, i) => {
      if (entry.value === i + 1) return;
      const where = fieldNode(entry.node, field);
      const name = field.replace(/^@/, '');
      if (!Number.isInteger(entry.value)) context.report(where, `${name} '${entry.raw}' is not a whole number`);
      else if (i === 0) context.report(where, `${name}s of ${parent.name} start at ${entry.value}, not 1`);
      else if (entry.value === sorted[i - 1]?.value) context.report(where, `${name} ${entry.value} is used twice in ${parent.name}`);
      else context.report(where, `${name}s of ${parent.name} skip from ${sorted[i - 1]?.value ?? 0} to ${entry.value}`);
    });
  }
};
