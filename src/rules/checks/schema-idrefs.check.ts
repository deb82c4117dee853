import type { CheckFunction, DocNode } from '../rule-types.ts';

const XSD = '{http://www.w3.org/2001/XMLSchema}';
const ID = `${XSD}ID`;
const REFERENCES = new Set([`${XSD}IDREF`, `${XSD}IDREFS`]);

/**
 * Every reference the schema types xs:IDREF or xs:IDREFS (elements and attributes, NDC 17.2;
 * directly or through a named simple type) names an attribute typed xs:ID in the message. An XSD validator checks this too; the rule keeps the
 * check when only the rules run, and gives it a rule id. Needs the schema model: without it no
 * type is known and nothing is checked.
 */
export const schemaIdrefs: CheckFunction = (context) => {
  if (!context.model) return;
  const ids = new Set<string>();
  const refs: { node: DocNode; value: string; attribute?: string }[] = [];
  for (const node of context.nodes) {
    const { info } = node;
    if (!info) continue;
    if (info.builtinType !== undefined && REFERENCES.has(info.builtinType)) refs.push({ node, value: node.text });
    for (const [name, value] of Object.entries(node.attributes)) {
      const type = info.attributeType(name);
      if (type === ID) ids.add(value);
      else if (type !== undefined && REFERENCES.has(type)) refs.push({ node, value, attribute: name });
    }
  }
  for (const { node, value, attribute } of refs) {
    for (const id of value.split(/\s+/)) {
      if (id !== '' && !ids.has(id)) context.report(node, `${attribute ?? node.name} '${id}' names no ID in this message`, attribute);
    }
  }
};
