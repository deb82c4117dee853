import type { ElementInfo } from '../../xml/index.ts';
import { describeElementHint, listChoiceCandidates } from './scaffold-hints.ts';
import { createNameAllocator } from './scaffold-names.ts';
import type { ScaffoldJsonSchema } from './scaffold-request.ts';
import type { ScaffoldField } from './scaffold-yaml.ts';

/** The `map:` of a response mapping and the result schema describing what it reads. */
export interface ResponseScaffold {
  readonly fields: readonly ScaffoldField[];
  /** Properties and required list of the result object. */
  readonly result: { readonly properties: Record<string, ScaffoldJsonSchema>; readonly required: readonly string[] };
}

/** Root alternatives that answer with errors; the scaffold writes the success branch instead. */
const ERROR_BRANCHES = new Set(['Error', 'Errors']);

const MAX_DEPTH = 16;

interface ResultObject {
  readonly allocate: ReturnType<typeof createNameAllocator>;
  readonly properties: Record<string, ScaffoldJsonSchema>;
  readonly required: string[];
}

function createResultObject(): ResultObject {
  return { allocate: createNameAllocator(), properties: {}, required: [] };
}

/**
 * The children a scaffold writes in an element: the required ones, and where the XSD has a choice
 * the model cannot mark as required, its first branch, so the skeleton stays valid. At the root the
 * choice is between the answer and the errors: every child of the answer is written (`Response` in
 * 21.3 and later; `Document`, `Success` and the payload in 17.2), the errors branch is not.
 */
function pickChildren(info: ElementInfo, isRoot: boolean): { names: string[]; note?: string } {
  const candidates = listChoiceCandidates(info);
  if (isRoot) return { names: [...info.required, ...candidates.filter((name) => !ERROR_BRANCHES.has(name))] };
  const branch = candidates[0];
  if (branch === undefined) return { names: [...info.required] };
  const others = candidates.slice(1);
  return {
    names: [...info.required, branch],
    note: `a choice in the XSD: ${branch} is written${others.length > 0 ? `; the alternatives are ${others.join(', ')}` : ''}`,
  };
}

/**
 * Writes every element the response XSD requires, in a `map:` that reads a flat result: nested
 * elements read from the same object (`OfferID: { path: offerId }`), repeated ones from a list
 * (`Offer: { each: offers }`). The paths are placeholders named after the elements, and the result
 * schema says exactly what they read, so the three files agree from the start.
 */
export function scaffoldResponseMap(root: ElementInfo, version: string): ResponseScaffold {
  const walk = (info: ElementInfo, names: readonly string[], chain: readonly string[], target: ResultObject, depth: number): ScaffoldField[] => {
    const fields: ScaffoldField[] = [];
    if (depth > MAX_DEPTH) return fields;
    for (const name of names) {
      const child = info.child(name);
      if (!child) continue;
      const here = [...chain, name];
      const required = child.minOccurs > 0;
      const comment = describeElementHint(child);
      const hint = comment === undefined ? {} : { comment };
      const container = child.required.length > 0 || !child.hasText;
      if (child.repeated && container) {
        const item = createResultObject();
        const picked = pickChildren(child, false);
        const inner = walk(child, picked.names, [], item, depth + 1);
        const key = target.allocate(here, true);
        fields.push({ key: name, rule: { kind: 'each', path: key, required, fields: inner, ...hint, ...(picked.note ? { notes: [picked.note] } : {}) } });
        target.properties[key] = {
          type: 'array', ...(required ? { minItems: 1 } : {}),
          items: { type: 'object', additionalProperties: false, required: item.required, properties: item.properties },
        };
        if (required) target.required.push(key);
      } else if (container) {
        const picked = pickChildren(child, false);
        const inner = walk(child, picked.names, here, target, depth + 1);
        fields.push({ key: name, rule: { kind: 'map', required, fields: inner, ...hint, ...(picked.note ? { notes: [picked.note] } : {}) } });
      } else {
        const key = target.allocate(here, child.repeated);
        fields.push({ key: name, rule: { kind: 'value', path: key, required, ...hint } });
        target.properties[key] = child.repeated
          ? { type: 'array', ...(required ? { minItems: 1 } : {}), items: { type: 'string', minLength: 1 } }
          : { type: 'string', minLength: 1 };
        if (required) target.required.push(key);
      }
    }
    return fields;
  };

  const top = createResultObject();
  // 17.2 roots require @Version, the schema version; the model does not say which attributes are required.
  const versionAttribute: ScaffoldField[] = root.attributes.includes('Version') ? [{ key: '@Version', rule: { kind: 'literal', value: version } }] : [];
  const fields = [...versionAttribute, ...walk(root, pickChildren(root, true).names, [], top, 0)];
  return { fields, result: { properties: top.properties, required: top.required } };
}
