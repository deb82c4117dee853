import type { SchemaModel } from '../../xml/index.ts';
import type { CheckFunction, DocNode } from '../rule-types.ts';
import { schemaElementNames } from './schema-names.ts';
import { stringOption } from './read-field.ts';

/**
 * The pairs `<X>RefID` → `<X>ID` of one message, derived from its schema: every element name
 * ending in `refSuffix` whose target name (`idSuffix` instead) the same message schema declares.
 * The pairs of a message are the same for every document, so they are derived once per model.
 * A reference whose target the message cannot hold (an OfferRefID where the schema has no
 * OfferID) points into another message and is not checked. Without a model, the names present in
 * the document stand in for the schema's.
 */
function referencePairs(names: Iterable<string>, refSuffix: string, idSuffix: string): Map<string, string> {
  // Compared without case: the schemas spell a few of them `DatedMarketingSegmentRefId` / `...Id`.
  const byLowerCase = new Map<string, string>();
  for (const name of names) byLowerCase.set(name.toLowerCase(), name);
  const suffix = refSuffix.toLowerCase();
  const pairs = new Map<string, string>();
  for (const [lower, name] of byLowerCase) {
    if (!lower.endsWith(suffix) || lower === suffix) continue;
    const target = byLowerCase.get(`${lower.slice(0, -suffix.length)}${idSuffix.toLowerCase()}`);
    if (target !== undefined) pairs.set(name, target);
  }
  return pairs;
}

const pairsByModel = new WeakMap<SchemaModel, Map<string, Map<string, string>>>();

function pairsOfModel(model: SchemaModel, refSuffix: string, idSuffix: string): Map<string, string> {
  let byOptions = pairsByModel.get(model);
  if (!byOptions) pairsByModel.set(model, (byOptions = new Map()));
  const key = `${refSuffix}/${idSuffix}`;
  let pairs = byOptions.get(key);
  if (!pairs) byOptions.set(key, (pairs = referencePairs(schemaElementNames(model), refSuffix, idSuffix)));
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
  const pairs = context.model
    ? pairsOfModel(context.model, refSuffix, idSuffix)
    : referencePairs(new Set(context.nodes.map((node) => node.name)), refSuffix, idSuffix);
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
