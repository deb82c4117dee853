import { parsePath, PathSyntaxError, type CompiledPath } from '../../mapping/index.ts';
import type { ConditionSpec, FieldMapSpec, MappingSpec, RuleSpec, ValueRuleSpec } from '../../mapping/mapping-types.ts';
import type { ElementInfo } from '../../xml/index.ts';
import type { LintReporter } from './lint-reporter.ts';
import { classifyRule, listTemplateCalls, listTemplatePlaceholders } from './mapping-rule-kind.ts';
import { createRootPlace, stepIntoElement, UNKNOWN_PLACE, type SchemaPlace } from './schema-place.ts';

type Pointer = readonly (string | number)[];

/** A scope of the mapping as the schema sees it: what its items are, and the scope `^.` goes back to. */
interface Frame {
  readonly place: SchemaPlace;
  readonly parent: Frame | undefined;
}

const PARENTS = /^\^(?:\.\^)*/;

/**
 * Checks every path a request mapping reads from the NDC document against the request's element
 * tree: value paths and path lists, `each` paths and what is read relative to each element, rebased
 * `map` paths, `^.` parents, `$.` roots, the paths of `when:` / `where:` conditions (`path`, `inPath`)
 * and the `{placeholders}` of `template` transforms. A typo is otherwise silent at run time: the
 * path reads nothing and the field is just absent. `$config.*` and `$ctx.*` are not in the document
 * and are left alone.
 */
export function checkRequestPaths(spec: MappingSpec, root: ElementInfo, reporter: LintReporter): void {
  const top: Frame = { place: createRootPlace(root), parent: undefined };

  /** Offset in the path text where its steps start (after `$.` or `^.^.`). */
  const stepsOffset = (path: CompiledPath): number => {
    if (path.anchor.kind === 'root') return path.source === '$' ? 1 : 2;
    const parents = PARENTS.exec(path.source);
    return parents ? parents[0].length + 1 : 0;
  };

  const resolve = (source: string, pointer: Pointer, frame: Frame, within?: { text: string; offset: number }): SchemaPlace => {
    let path: CompiledPath;
    try {
      path = parsePath(source);
    } catch (error) {
      if (error instanceof PathSyntaxError) return UNKNOWN_PLACE; // the loader reports the syntax
      throw error;
    }
    const base = within?.offset ?? 0;
    const text = within?.text ?? source;
    let place: SchemaPlace;
    switch (path.anchor.kind) {
      case 'config':
      case 'ctx':
      case 'index':
      case 'position':
        return UNKNOWN_PLACE;
      case 'root':
        place = top.place;
        break;
      case 'item': {
        let target: Frame | undefined = frame;
        for (let i = 0; i < path.anchor.up && target; i += 1) target = target.parent;
        if (!target) {
          reporter.report({
            pointer, code: 'bad-parent', within: { text, offset: base },
            message: `'${source}' climbs ${path.anchor.up} scope(s) up, but only ${countParents(frame)} enclose this rule (each and rebased map open one)`,
          });
          return UNKNOWN_PLACE;
        }
        place = target.place;
        break;
      }
    }
    let offset = base + stepsOffset(path);
    const parts = path.source.slice(stepsOffset(path)).split('.');
    for (const [i, step] of path.steps.entries()) {
      const stepText = parts[i] ?? step.name;
      if (place.kind === 'unknown') return place;
      if (place.kind === 'value') {
        reporter.report({ pointer, code: 'unknown-element', within: { text, offset }, at: place.trail, message: `'${step.name}': an attribute or text is a value; nothing is below it` });
        return UNKNOWN_PLACE;
      }
      const next = stepIntoElement(place.info, place.trail, step.name);
      if (next.miss) {
        reporter.report({ pointer, code: next.miss.code, message: next.miss.message, suggestions: next.miss.suggestions, at: next.miss.at, within: { text, offset } });
        return UNKNOWN_PLACE;
      }
      if (next.place.kind === 'element' && !next.place.info.repeated && step.indexes.some((index) => index > 0)) {
        reporter.report({
          pointer, code: 'not-repeated', severity: 'warning', within: { text, offset }, at: place.trail,
          message: `'${stepText}': ${step.name} occurs at most once in ${place.info.name}, so an index above [0] never reads anything`,
        });
      }
      place = next.place;
      offset += stepText.length + 1;
    }
    return place;
  };

  const checkCondition = (condition: ConditionSpec | undefined, pointer: Pointer, frame: Frame): void => {
    if (!condition) return;
    if (condition.path !== undefined) resolve(condition.path, [...pointer, 'path'], frame);
    if (condition.inPath !== undefined) resolve(condition.inPath, [...pointer, 'inPath'], frame);
    condition.all?.forEach((part, i) => checkCondition(part, [...pointer, 'all', i], frame));
    condition.any?.forEach((part, i) => checkCondition(part, [...pointer, 'any', i], frame));
    checkCondition(condition.not, [...pointer, 'not'], frame);
  };

  const checkValueRule = (rule: ValueRuleSpec, pointer: Pointer, frame: Frame): void => {
    checkCondition(rule.when, [...pointer, 'when'], frame);
    if (typeof rule.path === 'string') resolve(rule.path, [...pointer, 'path'], frame);
    else rule.path?.forEach((source, i) => resolve(source, [...pointer, 'path', i], frame));
    for (const call of listTemplateCalls(rule.transform, [...pointer, 'transform'])) {
      for (const placeholder of listTemplatePlaceholders(call.text)) {
        resolve(placeholder.source, call.pointer, frame, { text: call.text, offset: placeholder.offset });
      }
    }
  };

  const checkRule = (rule: RuleSpec, pointer: Pointer, frame: Frame): void => {
    const classified = classifyRule(rule);
    switch (classified.kind) {
      case 'literal':
        return;
      case 'value':
        checkValueRule(classified.rule, pointer, frame);
        return;
      case 'map': {
        const { rule: map } = classified;
        checkCondition(map.when, [...pointer, 'when'], frame);
        const inner = map.path === undefined ? frame : { place: resolve(map.path, [...pointer, 'path'], frame), parent: frame };
        checkFieldMap(map.map, [...pointer, 'map'], inner);
        return;
      }
      case 'eachList':
        classified.rule.forEach((each, i) => checkRule(each, [...pointer, i], frame));
        return;
      case 'each': {
        const { rule: each } = classified;
        checkCondition(each.when, [...pointer, 'when'], frame);
        const item: Frame = { place: resolve(each.each, [...pointer, 'each'], frame), parent: frame };
        checkCondition(each.where, [...pointer, 'where'], item);
        if (each.map) checkFieldMap(each.map, [...pointer, 'map'], item);
        if (each.item !== undefined) checkRule(each.item, [...pointer, 'item'], item);
        return;
      }
    }
  };

  function checkFieldMap(map: FieldMapSpec, pointer: Pointer, frame: Frame): void {
    for (const [key, rule] of Object.entries(map)) checkRule(rule, [...pointer, key], frame);
  }

  checkFieldMap(spec.map, ['map'], top);
}

function countParents(frame: Frame): number {
  let count = 0;
  for (let current = frame.parent; current; current = current.parent) count += 1;
  return count;
}
