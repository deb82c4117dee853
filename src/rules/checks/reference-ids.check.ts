import type { CheckFunction, DocNode } from '../rule-types.ts';
import { schemaElementNames } from './schema-names.ts';
import { stringOption } from './read-field.ts';

/**
 * The pairs `<X>RefID` → `<X>ID` of one message, derived from its schema: every element name
 * ending in `refSuffix` whose target name (`idSuffix` instead) the same message schema declares.
 * A reference whose target the message cannot hold (an OfferRefID where the schema has no
 * OfferID) points into another message and is not checked. Without a model, the names present in
 * the document stand in for the schema's.
 */
function referencePairs(names: Iterable<string>, refSuffix: string, idSuffix: string): Map<string, string> {
  const all = new Set(names);
  const pairs = new Map<string, string>();
  for (const name of all) {
    if (!name.endsWith(refSuffix) || name === refSuffix) continue;
    const target = `${name.slice(0, -refSuffix.length)}${idSuffix}`;
    if (all.has(target)) pairs.set(name, target);
  }
  return pairs;
}

/**
 * Every `...RefID` names an `...ID` present in the same message (NDC 21.3 and later). With
 * `whenTargetsPresent` (the default), a kind of reference is only checked when the message holds
 * at least one ID of its target: requests such as OrderChangeRQ refer to offers of an earlier
 * response (OfferRefID) that the schema would let them carry but that they rightly leave out.
 */
export const referenceIds: CheckFunction = (context, options) => {
  const refSuffix = stringOption(options, 'refSuffix', 'RefID');
  const idSuffix = stringOption(options, 'idSuffix', 'ID');
  const names = context.model ? schemaElementNames(context.model) : new Set(context.nodes.map((node) => node.name));
  const pairs = referencePairs(names, refSuffix, idSuffix);
  if (pairs.size === 0) return;
  const targets = new Set(pairs.values());
  const ids = new Map<string, Set<string>>();
  const refs: DocNode[] = [];
  for (const node of context.nodes) {
    if (targets.has(node.name)) {
      let values = ids.get(node.name);
      if (!values) ids.set(node.name, (values = new Set()));
      values.add(node.text);
    }
    if (pairs.has(node.name)) refs.push(node);
  }
  const whenTargetsPresent = options.whenTargetsPresent !== false;
  for (const ref of refs) {
    const target = pairs.get(ref.name) as string;
    if (whenTargetsPresent && !ids.has(target)) continue;
    for (const value of ref.text.split(/\s+/)) {
      if (value !== '' && !ids.get(target)?.has(value)) context.report(ref, `${ref.name} '${value}' names no ${target} in this message`);
    }
  }
};
