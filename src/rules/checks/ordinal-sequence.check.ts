import type { CheckFunction, DocNode } from '../rule-types.ts';
import { fieldNode, readField, stringOption } from './read-field.ts';

function nearest(node: DocNode, name: string): DocNode | undefined {
  for (let at = node.parent; at; at = at.parent) if (at.name === name) return at;
  return undefined;
}

/**
 * Elements that carry an ordinal (`field`: a child element, or `@Attribute`) number themselves
 * 1, 2, 3… within their group: the first is 1, none repeats and none is skipped; order in the
 * document does not matter. A group is the siblings under one parent (21.3's links of one
 * DistributionChain), or with `scope` everything under the nearest ancestor of that name (17.2
 * numbers `Participants/Participant/*Participant/@SequenceNumber` one level further down).
 */
export const ordinalSequence: CheckFunction = (context, options) => {
  const field = stringOption(options, 'field');
  const scope = typeof options.scope === 'string' ? options.scope : undefined;
  const groups = new Map<DocNode, { node: DocNode; value: number; raw: string }[]>();
  for (const node of context.nodes) {
    const raw = readField(node, field);
    if (raw === undefined) continue;
    const group = scope === undefined ? node.parent : nearest(node, scope);
    if (!group) continue;
    let members = groups.get(group);
    if (!members) groups.set(group, (members = []));
    members.push({ node, value: Number(raw), raw });
  }
  const name = field.replace(/^@/, '');
  for (const [group, members] of groups) {
    const sorted = [...members].sort((a, b) => a.value - b.value);
    sorted.forEach((entry, i) => {
      const previous = sorted[i - 1]?.value;
      if (entry.value === (previous === undefined ? 1 : previous + 1)) return;
      const where = fieldNode(entry.node, field);
      const attribute = field.startsWith('@') ? name : undefined;
      let detail: string;
      if (!Number.isInteger(entry.value)) detail = `${name} '${entry.raw}' is not a whole number`;
      else if (i === 0) detail = `${name}s in ${group.name} start at ${entry.value}, not 1`;
      else if (entry.value === previous) detail = `${name} ${entry.value} is used twice in ${group.name}`;
      else detail = `${name}s in ${group.name} skip from ${previous ?? 0} to ${entry.value}`;
      context.report(where, detail, attribute);
    });
  }
};
