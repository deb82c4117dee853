import type { FieldMapSpec, MappingLiteral, MappingSpec, RuleSpec } from '../../mapping/mapping-types.ts';
import type { ElementInfo } from '../../xml/index.ts';
import type { LintReporter } from './lint-reporter.ts';
import { classifyRule, isLiteralObject } from './mapping-rule-kind.ts';
import { createRootPlace, stepIntoElement, type SchemaPlace } from './schema-place.ts';

type Pointer = readonly (string | number)[];

/**
 * Checks every output key of a response mapping against the response's element tree: element
 * names, `@Attr` and `#text` at their place, inside nested maps, `each` maps and items, and the
 * keys of object literals (`value: { … }`). It also flags text written into an element that only
 * holds elements, and `each` on an element that occurs once. The builder would refuse all of these,
 * but only on the day a result reaches that branch. The paths a response mapping reads come from
 * the worker result, not from the XSD, and are not checked here.
 */
export function checkResponseKeys(spec: MappingSpec, root: ElementInfo, reporter: LintReporter): void {
  const requireText = (place: SchemaPlace, pointer: Pointer, what: string): void => {
    if (place.kind !== 'element' || place.info.hasText) return;
    reporter.report({
      pointer, code: 'no-text', key: true, at: place.trail,
      message: `${place.info.name} holds elements, not text; ${what} would write text into it — build it with map:`,
    });
  };

  const checkLiteral = (value: MappingLiteral, pointer: Pointer, place: SchemaPlace): void => {
    if (place.kind !== 'element') return;
    if (Array.isArray(value)) {
      (value as readonly MappingLiteral[]).forEach((entry, i) => checkLiteral(entry, [...pointer, i], place));
      return;
    }
    if (isLiteralObject(value)) {
      for (const [key, inner] of Object.entries(value)) {
        const next = enter(place, key, [...pointer, key]);
        if (next) checkLiteral(inner, [...pointer, key], next);
      }
      return;
    }
    requireText(place, pointer, 'this literal');
  };

  /** The place of an output key, or undefined (reported) when the schema does not allow it there. */
  const enter = (place: SchemaPlace, key: string, pointer: Pointer): SchemaPlace | undefined => {
    if (place.kind !== 'element') return undefined;
    const step = stepIntoElement(place.info, place.trail, key);
    if (step.miss) {
      reporter.report({ pointer, code: step.miss.code, message: step.miss.message, suggestions: step.miss.suggestions, at: step.miss.at, key: true });
      return undefined;
    }
    return step.place;
  };

  /** Checks what a rule writes as the content of `place` (an element, or an attribute/text value). */
  const checkContent = (rule: RuleSpec, pointer: Pointer, place: SchemaPlace, inList: boolean): void => {
    const classified = classifyRule(rule);
    switch (classified.kind) {
      case 'literal':
        requireText(place, pointer, 'a literal');
        return;
      case 'value':
        if (classified.rule.value !== undefined && typeof classified.rule.value === 'object') {
          checkLiteral(classified.rule.value, [...pointer, 'value'], place);
        } else {
          requireText(place, pointer, 'a value rule');
        }
        return;
      case 'map':
        if (place.kind === 'value') {
          reporter.report({ pointer, code: 'no-text', key: true, at: place.trail, message: 'an attribute or text takes a value rule, not a map' });
          return;
        }
        checkFieldMap(classified.rule.map, [...pointer, 'map'], place);
        return;
      case 'eachList':
        classified.rule.forEach((each, i) => checkContent(each, [...pointer, i], place, inList));
        return;
      case 'each': {
        const { rule: each } = classified;
        // `first`/`last` pick one entry, and a `transform` makes the list one value (e.g. joined into an IDREFS text).
        const oneValue = each.transform !== undefined || each.first === true || each.last === true;
        if (place.kind === 'value' && each.transform === undefined) {
          reporter.report({ pointer, code: 'no-text', key: true, at: place.trail, message: 'an attribute or text takes a value rule, not an each' });
          return;
        }
        if (inList) {
          reporter.report({ pointer, code: 'not-repeated', key: true, ...(place.kind === 'element' ? { at: place.trail } : {}), message: "an each inside an each's item gives nested lists, which no element can hold" });
          return;
        }
        // A `where:` join (one fare family by code) or `each: $item` picks one entry by design.
        const single = oneValue || each.where !== undefined || each.each === '$item';
        if (place.kind === 'element' && !place.info.repeated && !single) {
          reporter.report({
            pointer, code: 'not-repeated', severity: 'warning', key: true, at: place.trail,
            message: `${place.info.name} occurs at most once here; building the response fails if this each gives more than one entry`,
          });
        }
        if (each.map) checkFieldMap(each.map, [...pointer, 'map'], place);
        else if (each.item !== undefined) checkContent(each.item, [...pointer, 'item'], place, !oneValue);
        else requireText(place, pointer, 'an each without map or item');
        return;
      }
    }
  };

  function checkFieldMap(map: FieldMapSpec, pointer: Pointer, place: SchemaPlace): void {
    for (const [key, rule] of Object.entries(map)) {
      const next = enter(place, key, [...pointer, key]);
      if (next) checkContent(rule, [...pointer, key], next, false);
    }
  }

  checkFieldMap(spec.map, ['map'], createRootPlace(root));
}
