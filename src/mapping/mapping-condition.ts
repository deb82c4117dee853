import { readPath, type CompiledPath, type RunState, type Scope } from './mapping-path.ts';
import type { ConditionSpec } from './mapping-types.ts';
import { isAbsent, isSameValue, textOf } from './mapping-values.ts';

type Condition = (scope: Scope, run: RunState) => boolean;
type Pointer = readonly (string | number)[];

export interface ConditionCompiler {
  fail(pointer: Pointer, message: string): void;
  compilePath(source: string, pointer: Pointer): CompiledPath | undefined;
}

const VALUE_OPERATORS = ['equals', 'notEquals', 'in', 'inPath', 'inRefs', 'exists', 'notExists', 'matches'] as const;

/** The present values a path reads; a repeated element gives one value per element. */
function presentValues(path: CompiledPath, scope: Scope, run: RunState): unknown[] {
  const value = textOf(readPath(path, scope, run));
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.filter((entry) => !isAbsent(entry));
}

/** The ids of the texts a path reads, each split at white space (an NDC 17.2 xs:IDREFS text names several). */
function referencedIds(path: CompiledPath, scope: Scope, run: RunState): string[] {
  return presentValues(path, scope, run).flatMap((value) => (typeof value === 'string' ? value.split(/\s+/).filter((id) => id !== '') : []));
}

/**
 * Compiles a `when:` / `where:` condition. Every operator in one object must hold; operators on a
 * repeated element hold when any element satisfies them (`notEquals`: when none equals).
 */
export function parseCondition(spec: ConditionSpec, pointer: Pointer, compiler: ConditionCompiler): Condition {
  const tests: Condition[] = [];
  const hasValueOperator = VALUE_OPERATORS.some((op) => spec[op] !== undefined);
  if (spec.path !== undefined && !hasValueOperator) {
    compiler.fail(pointer, 'a condition with a path needs equals, notEquals, in, inPath, inRefs, exists, notExists or matches');
  }
  if (spec.path === undefined && hasValueOperator) compiler.fail(pointer, 'this condition needs a path to test');
  if (spec.path === undefined && !spec.all && !spec.any && !spec.not) {
    if (!hasValueOperator) compiler.fail(pointer, 'a condition needs a path with an operator, or all, any or not');
  }

  const path = spec.path === undefined ? undefined : compiler.compilePath(spec.path, [...pointer, 'path']);
  if (path) {
    const { equals, notEquals, exists, notExists, matches } = spec;
    const options = spec.in;
    if (exists !== undefined) tests.push((s, r) => (presentValues(path, s, r).length > 0) === exists);
    if (notExists !== undefined) tests.push((s, r) => (presentValues(path, s, r).length === 0) === notExists);
    if (equals !== undefined) tests.push((s, r) => presentValues(path, s, r).some((v) => isSameValue(v, equals)));
    if (notEquals !== undefined) tests.push((s, r) => !presentValues(path, s, r).some((v) => isSameValue(v, notEquals)));
    if (options !== undefined) tests.push((s, r) => presentValues(path, s, r).some((v) => options.some((o) => isSameValue(v, o))));
    const setPath = spec.inPath === undefined ? undefined : compiler.compilePath(spec.inPath, [...pointer, 'inPath']);
    if (setPath) {
      tests.push((s, r) => {
        const set = presentValues(setPath, s, r);
        return presentValues(path, s, r).some((v) => set.some((o) => isSameValue(v, o)));
      });
    }
    const refsPath = spec.inRefs === undefined ? undefined : compiler.compilePath(spec.inRefs, [...pointer, 'inRefs']);
    if (refsPath) {
      tests.push((s, r) => {
        const ids = referencedIds(refsPath, s, r);
        return presentValues(path, s, r).some((v) => ids.some((id) => isSameValue(v, id)));
      });
    }
    if (matches !== undefined) {
      let pattern: RegExp | undefined;
      try {
        pattern = new RegExp(matches);
      } catch (error) {
        compiler.fail([...pointer, 'matches'], `invalid regular expression: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (pattern) {
        const re = pattern;
        tests.push((s, r) => presentValues(path, s, r).some((v) => (typeof v === 'string' || typeof v === 'number') && re.test(String(v))));
      }
    }
  }
  if (spec.all) {
    const parts = spec.all.map((c, i) => parseCondition(c, [...pointer, 'all', i], compiler));
    tests.push((s, r) => parts.every((c) => c(s, r)));
  }
  if (spec.any) {
    const parts = spec.any.map((c, i) => parseCondition(c, [...pointer, 'any', i], compiler));
    tests.push((s, r) => parts.some((c) => c(s, r)));
  }
  if (spec.not) {
    const inner = parseCondition(spec.not, [...pointer, 'not'], compiler);
    tests.push((s, r) => !inner(s, r));
  }
  if (tests.length === 1) return tests[0] as Condition;
  return (s, r) => tests.every((t) => t(s, r));
}
