import { parseCondition } from './mapping-condition.ts';
import type { MappingDirection } from './mapping-error.ts';
import { describePath, parsePath, PathSyntaxError, readPath, type CompiledPath, type RunState, type Scope } from './mapping-path.ts';
import type {
  CodeTable, CodeTables, CompiledMapping, ConditionSpec, EachListSpec, EachRuleSpec, FieldMapEvaluator, FieldMapSpec, MapRuleSpec,
  MappingLiteral, MappingSpec, RuleEvaluator, RuleSpec, TransformCall, ValueRuleSpec,
} from './mapping-types.ts';
import { isEachList } from './mapping-types.ts';
import { isAbsent, textOf } from './mapping-values.ts';
import type { TransformContext, TransformDefinition, TransformRegistry } from './transforms/index.ts';

/** Location of a value inside a mapping file, as object keys and array indexes. */
export type SpecPointer = readonly (string | number)[];

/** A problem found while compiling; the loader turns the pointer into a line and column. */
export interface CompileIssue {
  readonly pointer: SpecPointer;
  readonly message: string;
}

export interface CompileOptions {
  readonly file: string;
  readonly transforms: TransformRegistry;
  readonly codeTables: CodeTables;
  /** When given, the file must be of this direction (the file name says which). */
  readonly direction?: MappingDirection;
}

export type CompileResult = { readonly mapping: CompiledMapping; readonly issues: readonly [] } | { readonly mapping: undefined; readonly issues: readonly CompileIssue[] };

type Condition = (scope: Scope, run: RunState) => boolean;

interface PreparedTransform {
  readonly definition: TransformDefinition;
  readonly args: unknown;
}

/** Marks a value that already produced an error, so that `required` does not report it twice. */
const FAILED = Symbol('failed');

const MAX_ISSUES = 100;

function report(run: RunState, message: string, path: string, field: string): void {
  if (run.issues.length < MAX_ISSUES) run.issues.push({ message, path, field });
}

function hasAnyKey(value: Record<string, unknown>): boolean {
  for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) return true;
  return false;
}

const CONTEXT_DEFAULT = /^\$(config|ctx)\./;

/** Compiles a schema-valid mapping spec into closures; every problem is returned, located by pointer. */
export function compileMappingSpec(spec: MappingSpec, options: CompileOptions): CompileResult {
  const issues: CompileIssue[] = [];
  const fail = (pointer: SpecPointer, message: string): void => {
    issues.push({ pointer, message });
  };

  const inline = new Map<string, CodeTable>();
  for (const [name, table] of Object.entries(spec.lookups ?? {})) inline.set(name, new Map(Object.entries(table)));
  const findTable = (name: string): CodeTable | undefined => inline.get(name) ?? options.codeTables.get(name);

  const compilePath = (source: string, pointer: SpecPointer): CompiledPath | undefined => {
    try {
      return parsePath(source);
    } catch (error) {
      fail(pointer, error instanceof PathSyntaxError ? error.message : String(error));
      return undefined;
    }
  };

  const compileCondition = (condition: ConditionSpec | undefined, pointer: SpecPointer): Condition | undefined => {
    if (condition === undefined) return undefined;
    return parseCondition(condition, pointer, { fail, compilePath });
  };

  const compileTransforms = (calls: TransformCall | readonly TransformCall[] | undefined, pointer: SpecPointer): PreparedTransform[] => {
    if (calls === undefined) return [];
    const list = Array.isArray(calls) ? (calls as readonly TransformCall[]) : [calls as TransformCall];
    const prepared: PreparedTransform[] = [];
    list.forEach((call, i) => {
      const at = Array.isArray(calls) ? [...pointer, i] : pointer;
      const name = typeof call === 'string' ? call : call.name;
      const definition = options.transforms.get(name);
      if (!definition) {
        fail(typeof call === 'string' ? at : [...at, 'name'], `unknown transform '${name}'; known transforms: ${[...options.transforms.keys()].join(', ')}`);
        return;
      }
      const rawArgs = typeof call === 'string' ? undefined : call.args;
      if (!definition.prepare && rawArgs !== undefined) {
        fail([...at, 'args'], `transform '${name}' takes no args`);
        return;
      }
      try {
        prepared.push({ definition, args: definition.prepare ? definition.prepare(rawArgs) : undefined });
      } catch (error) {
        fail(typeof call === 'string' ? at : [...at, 'args'], error instanceof Error ? error.message : String(error));
      }
    });
    return prepared;
  };

  const compileValueRule = (rule: ValueRuleSpec, pointer: SpecPointer, field: string): RuleEvaluator => {
    if (rule.path !== undefined && rule.value !== undefined) fail(pointer, "a rule takes 'path' or 'value', not both");
    if (rule.path === undefined && rule.value === undefined && rule.default === undefined && rule.transform === undefined) {
      fail(pointer, "a rule needs 'path', 'value', 'default' or 'transform'");
    }
    if (rule.lookup === undefined && (rule.lookupDefault !== undefined || rule.lookupMiss !== undefined)) {
      fail(pointer, "'lookupDefault' and 'lookupMiss' need a 'lookup'");
    }
    if (rule.lookupDefault !== undefined && rule.lookupMiss !== undefined) fail(pointer, "use 'lookupDefault' or 'lookupMiss', not both");

    const paths = rule.path === undefined
      ? []
      : (typeof rule.path === 'string' ? [rule.path] : rule.path).map((source, i) =>
        compilePath(source, typeof rule.path === 'string' ? [...pointer, 'path'] : [...pointer, 'path', i]));
    const path = paths[0];
    const literal = rule.value;
    const defaultPath = typeof rule.default === 'string' && CONTEXT_DEFAULT.test(rule.default)
      ? compilePath(rule.default, [...pointer, 'default'])
      : undefined;
    const defaultLiteral: MappingLiteral | undefined = defaultPath ? undefined : rule.default;
    const transforms = compileTransforms(rule.transform, [...pointer, 'transform']);
    let table: CodeTable | undefined;
    if (rule.lookup !== undefined) {
      table = findTable(rule.lookup);
      if (!table) fail([...pointer, 'lookup'], `unknown code table '${rule.lookup}'; add it under lookups: or in mappings/code-tables/`);
    }
    const tableName = rule.lookup ?? '';
    const lookupDefault = rule.lookupDefault;
    const lookupMiss = rule.lookupMiss ?? 'omit';
    const when = compileCondition(rule.when, [...pointer, 'when']);
    const required = rule.required === true;

    const lookupOne = (code: unknown, scope: Scope, run: RunState): unknown => {
      if (isAbsent(code)) return undefined;
      const key = typeof code === 'string' ? code : typeof code === 'number' || typeof code === 'boolean' ? String(code) : undefined;
      const found = key === undefined ? undefined : table?.get(key);
      if (found !== undefined) return found;
      if (lookupDefault !== undefined) return lookupDefault;
      if (lookupMiss === 'keep') return code;
      if (lookupMiss === 'error') {
        report(run, `'${key ?? String(code)}' is not a known code (code table ${tableName})`, describePath(path, scope, run), field);
        return FAILED;
      }
      return undefined;
    };

    return (scope, run) => {
      if (when && !when(scope, run)) return undefined;
      let value: unknown = path ? undefined : literal;
      for (const candidate of paths) {
        value = candidate ? textOf(readPath(candidate, scope, run)) : undefined;
        if (!isAbsent(value)) break;
      }
      if (isAbsent(value)) value = defaultPath ? textOf(readPath(defaultPath, scope, run)) : defaultLiteral;
      if (transforms.length > 0) {
        const ctx = new RuleTransformContext(scope, run);
        for (const { definition, args } of transforms) {
          try {
            value = applyTransform(definition, args, value, ctx);
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            report(run, `${definition.name}: ${reason}`, describePath(path, scope, run), field);
            return undefined;
          }
        }
      }
      if (table) {
        if (Array.isArray(value)) {
          const codes: unknown[] = value;
          const mapped: unknown[] = [];
          for (const code of codes) {
            const one = lookupOne(code, scope, run);
            if (one === FAILED) return undefined;
            if (!isAbsent(one)) mapped.push(one);
          }
          value = mapped;
        } else {
          value = lookupOne(value, scope, run);
          if (value === FAILED) return undefined;
        }
      }
      if (isAbsent(value)) {
        if (required) report(run, `Required value is missing (${field})`, describePath(path ?? defaultPath, scope, run), field);
        return undefined;
      }
      return value;
    };
  };

  const compileEachRule = (rule: EachRuleSpec, pointer: SpecPointer, field: string): RuleEvaluator => {
    if (rule.map !== undefined && rule.item !== undefined) fail(pointer, "an 'each' takes 'map' (objects) or 'item' (values), not both");
    const path = compilePath(rule.each, [...pointer, 'each']);
    const itemField = `${field}[]`;
    const fields = rule.map === undefined ? undefined : compileFieldMap(rule.map, [...pointer, 'map'], itemField);
    const item = rule.item === undefined ? undefined : compileRule(rule.item, [...pointer, 'item'], itemField);
    const where = compileCondition(rule.where, [...pointer, 'where']);
    const when = compileCondition(rule.when, [...pointer, 'when']);
    const required = rule.required === true;
    const keep = rule.keep === true;
    const first = rule.first === true;
    const last = rule.last === true;
    if (first && last) fail(pointer, "an 'each' takes 'first' or 'last', not both");
    const transforms = compileTransforms(rule.transform, [...pointer, 'transform']);
    const defaultPath = typeof rule.default === 'string' && CONTEXT_DEFAULT.test(rule.default)
      ? compilePath(rule.default, [...pointer, 'default'])
      : undefined;
    const defaultLiteral: MappingLiteral | undefined = defaultPath ? undefined : rule.default;
    if (!path) return () => undefined;
    /** The transforms of the rule, on the list (or the entry `first`/`last` picked). */
    const transform = (value: unknown, scope: Scope, run: RunState): unknown => {
      if (transforms.length === 0) return value;
      const ctx = new RuleTransformContext(scope, run);
      let out = value;
      for (const { definition, args } of transforms) {
        try {
          out = applyTransform(definition, args, out, ctx);
        } catch (error) {
          report(run, `${definition.name}: ${error instanceof Error ? error.message : String(error)}`, describePath(path, scope, run), field);
          return undefined;
        }
      }
      return out;
    };

    return (scope, run) => {
      if (when && !when(scope, run)) return undefined;
      const found = readPath(path, scope, run);
      const isList = Array.isArray(found);
      const list: readonly unknown[] = isList ? found : isAbsent(found) ? [] : [found];
      const out: unknown[] = [];
      for (let i = 0; i < list.length; i += 1) {
        const itemScope: Scope = { item: list[i], parent: scope, index: i, origin: { scope, path, pick: isList ? i : undefined } };
        if (where && !where(itemScope, run)) continue;
        const value = fields ? fields(itemScope, run) : item ? item(itemScope, run) : textOf(list[i]);
        if (!isAbsent(value)) out.push(value);
      }
      if (out.length === 0) {
        // A default stands for the whole result of an each that found nothing (e.g. a total the message gives no items for).
        const fallback = defaultPath ? textOf(readPath(defaultPath, scope, run)) : defaultLiteral;
        if (!isAbsent(fallback)) return fallback;
        if (required) report(run, `At least one element is required (${field})`, describePath(path, scope, run), field);
        return transform(keep && !first && !last ? out : undefined, scope, run);
      }
      return transform(first ? out[0] : last ? out[out.length - 1] : out, scope, run);
    };
  };

  const compileMapRule = (rule: MapRuleSpec, pointer: SpecPointer, field: string): RuleEvaluator => {
    const rebase = rule.path === undefined ? undefined : compilePath(rule.path, [...pointer, 'path']);
    const fields = compileFieldMap(rule.map, [...pointer, 'map'], field);
    const when = compileCondition(rule.when, [...pointer, 'when']);
    const required = rule.required === true;
    const keep = rule.keep === true;

    return (scope, run) => {
      if (when && !when(scope, run)) return undefined;
      let inner = scope;
      if (rebase) {
        const found = readPath(rebase, scope, run);
        const isList = Array.isArray(found);
        const target: unknown = isList ? found[0] : found;
        if (isAbsent(target) && !keep) {
          if (required) report(run, `Required element is missing (${field})`, describePath(rebase, scope, run), field);
          return undefined;
        }
        inner = { item: target, parent: scope, index: scope.index, origin: { scope, path: rebase, pick: isList ? 0 : undefined } };
      }
      const value = fields(inner, run);
      if (!keep && !hasAnyKey(value)) {
        if (required) report(run, `Required element is missing (${field})`, describePath(rebase, scope, run), field);
        return undefined;
      }
      return value;
    };
  };

  /** A list of each rules: their entries one after the other, absent when none has any. */
  const compileEachList = (rules: EachListSpec, pointer: SpecPointer, field: string): RuleEvaluator => {
    const parts = rules.map((rule, i) => compileEachRule({ ...rule, first: false, last: false }, [...pointer, i], field));
    return (scope, run) => {
      const out = parts.flatMap((part) => {
        const value = part(scope, run);
        return Array.isArray(value) ? value : [];
      });
      return out.length > 0 || rules.some((rule) => rule.keep === true) ? out : undefined;
    };
  };

  const compileRule = (rule: RuleSpec, pointer: SpecPointer, field: string): RuleEvaluator => {
    if (typeof rule !== 'object') return () => rule;
    if (isEachList(rule)) return compileEachList(rule, pointer, field);
    if ('each' in rule) return compileEachRule(rule, pointer, field);
    if ('map' in rule) return compileMapRule(rule, pointer, field);
    return compileValueRule(rule, pointer, field);
  };

  function compileFieldMap(spec: FieldMapSpec, pointer: SpecPointer, prefix: string): FieldMapEvaluator {
    const entries = Object.entries(spec).map(([key, rule]) => {
      if (key === '__proto__') fail([...pointer, key], "'__proto__' cannot be an output field");
      const field = prefix ? `${prefix}.${key}` : key;
      return [key, compileRule(rule, [...pointer, key], field)] as const;
    });
    return (scope, run) => {
      const out: Record<string, unknown> = {};
      for (const [key, evaluate] of entries) {
        const value = evaluate(scope, run);
        if (value !== undefined) out[key] = value;
      }
      return out;
    };
  }

  let direction: MappingDirection = spec.command !== undefined ? 'request' : 'response';
  if (options.direction && options.direction !== direction) {
    fail(direction === 'request' ? ['command'] : ['message'], options.direction === 'request'
      ? "a request mapping names the internal 'command' it builds, not a 'message'"
      : "a response mapping names the NDC 'message' it builds, not a 'command'");
    direction = options.direction;
  }
  const evaluate = compileFieldMap(spec.map, ['map'], '');
  if (issues.length > 0) return { mapping: undefined, issues };
  const base = { file: options.file, description: spec.description, evaluate };
  const mapping: CompiledMapping = direction === 'request'
    ? { ...base, direction, command: spec.command ?? '', idempotent: spec.idempotent === true, ...(spec.message !== undefined ? { message: spec.message } : {}) }
    : { ...base, direction, message: spec.message ?? '' };
  return { mapping, issues: [] };
}

/** What the transforms of one rule see: the clock and paths read from the rule's scope. */
class RuleTransformContext implements TransformContext {
  constructor(readonly scope: Scope, readonly run: RunState) {}

  now(): string {
    return this.run.now();
  }

  read(path: CompiledPath): unknown {
    return readPath(path, this.scope, this.run);
  }
}

function applyTransform(definition: TransformDefinition, args: unknown, value: unknown, ctx: TransformContext): unknown {
  switch (definition.input) {
    case 'source':
      return definition.apply(isAbsent(value) ? undefined : value, args, ctx);
    case 'list':
      return isAbsent(value) ? undefined : definition.apply(value, args, ctx);
    case 'scalar': {
      if (isAbsent(value)) return undefined;
      if (!Array.isArray(value)) return definition.apply(value, args, ctx);
      const out: unknown[] = [];
      for (const entry of value as unknown[]) {
        if (isAbsent(entry)) continue;
        const result = definition.apply(entry, args, ctx);
        if (!isAbsent(result)) out.push(result);
      }
      return out;
    }
  }
}
