import type { EachListSpec, EachRuleSpec, MapRuleSpec, MappingLiteral, RuleSpec, TransformCall, ValueRuleSpec } from '../../mapping/mapping-types.ts';
import { isEachList } from '../../mapping/mapping-types.ts';

/** A rule of a schema-valid mapping file, told apart the way the engine tells them apart. */
export type ClassifiedRule =
  | { readonly kind: 'literal'; readonly rule: string | number | boolean }
  | { readonly kind: 'each'; readonly rule: EachRuleSpec }
  | { readonly kind: 'eachList'; readonly rule: EachListSpec }
  | { readonly kind: 'map'; readonly rule: MapRuleSpec }
  | { readonly kind: 'value'; readonly rule: ValueRuleSpec };

/** Decides the kind of a rule by its keys: `each` wins over `map`, anything else is a value rule. */
export function classifyRule(rule: RuleSpec): ClassifiedRule {
  if (typeof rule !== 'object') return { kind: 'literal', rule };
  if (isEachList(rule)) return { kind: 'eachList', rule };
  if ('each' in rule) return { kind: 'each', rule };
  if ('map' in rule) return { kind: 'map', rule };
  return { kind: 'value', rule };
}

/** The `template` transforms of a value rule with the pointer of their text, for checking their placeholders. */
export function listTemplateCalls(transform: ValueRuleSpec['transform'], pointer: readonly (string | number)[]): { text: string; pointer: (string | number)[] }[] {
  if (transform === undefined) return [];
  const calls: readonly TransformCall[] = Array.isArray(transform) ? (transform as readonly TransformCall[]) : [transform as TransformCall];
  const found: { text: string; pointer: (string | number)[] }[] = [];
  calls.forEach((call, i) => {
    if (typeof call === 'string' || call.name !== 'template' || typeof call.args !== 'string') return;
    found.push({ text: call.args, pointer: Array.isArray(transform) ? [...pointer, i, 'args'] : [...pointer, 'args'] });
  });
  return found;
}

/** The `{path}` placeholders of a template text with their offsets (`{{` and `}}` are literal braces). */
export function listTemplatePlaceholders(template: string): { source: string; offset: number }[] {
  const found: { source: string; offset: number }[] = [];
  for (let i = 0; i < template.length; i += 1) {
    const char = template[i];
    if ((char === '{' || char === '}') && template[i + 1] === char) {
      i += 1;
      continue;
    }
    if (char !== '{') continue;
    const end = template.indexOf('}', i);
    if (end < 0) break;
    const inner = template.slice(i + 1, end);
    const source = inner.trim();
    if (source !== '$value' && source !== '') found.push({ source, offset: i + 1 + (inner.length - inner.trimStart().length) });
    i = end;
  }
  return found;
}

/** Whether a literal is an object (element content) rather than a text, number or boolean. */
export function isLiteralObject(value: MappingLiteral | undefined): value is { readonly [key: string]: MappingLiteral } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
