import type { ElementInfo } from '../../xml/index.ts';
import { describeElementHint, listChoiceCandidates } from './scaffold-hints.ts';
import { createNameAllocator } from './scaffold-names.ts';
import type { ScaffoldField } from './scaffold-yaml.ts';

/** A JSON Schema object as the scaffold writes it (draft-07, closed objects). */
export interface ScaffoldJsonSchema {
  readonly [keyword: string]: unknown;
}

/** The `map:` of a request mapping and the command schema its output satisfies. */
export interface RequestScaffold {
  readonly fields: readonly ScaffoldField[];
  /** Properties and required list of the command object. */
  readonly command: { readonly properties: Record<string, ScaffoldJsonSchema>; readonly required: readonly string[] };
  /** Places where the XSD has a choice the scaffold could not decide, e.g. `Request/RulesCoreRequest: OfferRequest | OrderRequest`. */
  readonly choices: readonly string[];
}

/** Guards against a required chain through a recursive type; far deeper than any NDC message needs. */
const MAX_DEPTH = 16;

interface CommandObject {
  readonly allocate: ReturnType<typeof createNameAllocator>;
  readonly properties: Record<string, ScaffoldJsonSchema>;
  readonly required: string[];
}

function createCommandObject(): CommandObject {
  return { allocate: createNameAllocator(), properties: {}, required: [] };
}

/**
 * Reads the elements the request XSD requires into a flat command: a field per required text
 * element (`paxId: { path: Request.PaxList.Pax.PaxID }`), an `each` per required repeated group.
 * The command schema is built from the same walk, so the scaffolded mapping's output passes it.
 * Choices are not followed (the model cannot tell which branch a client sends); they are listed.
 */
export function scaffoldRequestMap(root: ElementInfo): RequestScaffold {
  const choices: string[] = [];

  const walk = (info: ElementInfo, relative: readonly string[], chain: readonly string[], target: CommandObject, trail: string, depth: number): ScaffoldField[] => {
    const fields: ScaffoldField[] = [];
    const candidates = listChoiceCandidates(info);
    if (candidates.length > 0) choices.push(`${trail || info.name}: ${candidates.join(' | ')}`);
    if (depth > MAX_DEPTH) return fields;
    for (const name of info.required) {
      const child = info.child(name);
      if (!child) continue;
      const path = [...relative, name];
      const names = [...chain, name];
      const at = trail ? `${trail}/${name}` : name;
      if (child.repeated) {
        const item = createCommandObject();
        const inner = walk(child, [], [], item, at, depth + 1);
        if (inner.length > 0) {
          const key = target.allocate(names, true);
          fields.push({ key, rule: { kind: 'each', path: path.join('.'), required: true, fields: inner, ...hint(child) } });
          target.properties[key] = {
            type: 'array', minItems: 1,
            items: { type: 'object', additionalProperties: false, required: item.required, properties: item.properties },
          };
          target.required.push(key);
        } else if (child.hasText) {
          const key = target.allocate(names, true);
          fields.push({ key, rule: { kind: 'value', path: path.join('.'), required: true, ...hint(child) } });
          target.properties[key] = { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } };
          target.required.push(key);
        }
      } else if (child.required.length > 0 || !child.hasText) {
        fields.push(...walk(child, path, names, target, at, depth + 1));
      } else {
        const key = target.allocate(names);
        fields.push({ key, rule: { kind: 'value', path: path.join('.'), required: true, ...hint(child) } });
        target.properties[key] = { type: 'string', minLength: 1 };
        target.required.push(key);
      }
    }
    return fields;
  };

  const top = createCommandObject();
  const fields = walk(root, [], [], top, '', 0);
  return { fields, command: { properties: top.properties, required: top.required }, choices };
}

function hint(info: ElementInfo): { comment?: string } {
  const comment = describeElementHint(info);
  return comment === undefined ? {} : { comment };
}
