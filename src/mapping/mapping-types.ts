import type { MappingDirection } from './mapping-error.ts';
import type { RunState, Scope } from './mapping-path.ts';

/** A literal in a mapping file: any JSON value but null. */
export type MappingLiteral = string | number | boolean | readonly MappingLiteral[] | { readonly [key: string]: MappingLiteral };

export type TransformCall = string | { readonly name: string; readonly args?: unknown };

/** A condition (`when:` / `where:`); all operators given in one object must hold. */
export interface ConditionSpec {
  readonly description?: string;
  readonly path?: string;
  readonly equals?: string | number | boolean;
  readonly notEquals?: string | number | boolean;
  readonly in?: readonly (string | number | boolean)[];
  /** Holds when a value of `path` is among the values another path reads (a join by id: `inPath: '^.segmentIds'`). */
  readonly inPath?: string;
  /** As `inPath`, with each text read split at white space: a join on an xs:IDREFS list (`inRefs: '^.PassengerRefs'`). */
  readonly inRefs?: string;
  readonly exists?: boolean;
  readonly notExists?: boolean;
  readonly matches?: string;
  readonly all?: readonly ConditionSpec[];
  readonly any?: readonly ConditionSpec[];
  readonly not?: ConditionSpec;
}

export interface ValueRuleSpec {
  readonly description?: string;
  /** One path, or several tried in order: the first that holds a value wins. */
  readonly path?: string | readonly string[];
  readonly value?: MappingLiteral;
  readonly default?: MappingLiteral;
  readonly transform?: TransformCall | readonly TransformCall[];
  readonly lookup?: string;
  readonly lookupDefault?: MappingLiteral;
  readonly lookupMiss?: 'omit' | 'keep' | 'error';
  readonly when?: ConditionSpec;
  readonly required?: boolean;
}

export interface EachRuleSpec {
  readonly description?: string;
  readonly each: string;
  readonly map?: FieldMapSpec;
  readonly item?: RuleSpec;
  readonly where?: ConditionSpec;
  readonly when?: ConditionSpec;
  readonly required?: boolean;
  readonly keep?: boolean;
  /** Gives the first entry instead of the list (a join by id that finds one element). */
  readonly first?: boolean;
  /** Gives the last entry instead of the list. */
  readonly last?: boolean;
  /** Transforms of the list as a whole (after `first`/`last`, if any), e.g. `join` into one IDREFS text. */
  readonly transform?: TransformCall | readonly TransformCall[];
  /** What the rule gives when no element is found: a literal or a `$ctx.`/`$config.` path, as a value rule's default. */
  readonly default?: MappingLiteral;
}

export interface MapRuleSpec {
  readonly description?: string;
  readonly map: FieldMapSpec;
  readonly path?: string;
  readonly when?: ConditionSpec;
  readonly required?: boolean;
  readonly keep?: boolean;
}

/** Several `each` rules whose entries make one list, in order (e.g. Warning elements from two sources). */
export type EachListSpec = readonly EachRuleSpec[];

export type RuleSpec = string | number | boolean | ValueRuleSpec | EachRuleSpec | MapRuleSpec | EachListSpec;

/** Tells a list of each rules from the object rules. */
export function isEachList(rule: RuleSpec): rule is EachListSpec {
  return Array.isArray(rule);
}

export interface FieldMapSpec {
  readonly [field: string]: RuleSpec;
}

/** A code table: code → value. */
export type CodeTable = ReadonlyMap<string, string | number | boolean>;

/** Code tables by name. */
export type CodeTables = ReadonlyMap<string, CodeTable>;

/** A mapping file as written, once it passed the JSON Schema. */
export interface MappingSpec {
  readonly description?: string;
  readonly command?: string;
  readonly idempotent?: boolean;
  readonly message?: string;
  readonly lookups?: { readonly [table: string]: { readonly [code: string]: string | number | boolean } };
  readonly map: FieldMapSpec;
}

/** Evaluates one rule in a scope; `undefined` means the output field is omitted. */
export type RuleEvaluator = (scope: Scope, run: RunState) => unknown;

/** Evaluates a map of fields; returns the object and whether any field was produced. */
export type FieldMapEvaluator = (scope: Scope, run: RunState) => Record<string, unknown>;

interface CompiledMappingBase {
  /** File the mapping was loaded from (as given to the loader). */
  readonly file: string;
  readonly description: string | undefined;
  /** The root map, compiled to closures. Used by applyMapping. */
  readonly evaluate: FieldMapEvaluator;
}

/** A request mapping: NDC request content → internal command. */
export interface CompiledRequestMapping extends CompiledMappingBase {
  readonly direction: 'request';
  readonly command: string;
  /** The message writes: its command carries an idempotency key (see version.yaml: idempotency). */
  readonly idempotent: boolean;
  /** The request message read, when it is not `<Name>RQ` (17.2's `OrderChangeNotif`). */
  readonly message?: string;
}

/** A response mapping: worker result → NDC response content. */
export interface CompiledResponseMapping extends CompiledMappingBase {
  readonly direction: 'response';
  readonly message: string;
}

export type CompiledMapping = CompiledRequestMapping | CompiledResponseMapping;

/** What a mapping can read besides its input. Passed on every application. */
export interface MappingContext {
  /** Reachable as `$config.<name>`, typically the gateway Config. */
  readonly config?: object;
  /** Reachable as `$ctx.<name>`: now, correlationId, version, messageId, … */
  readonly ctx?: object;
  /** Root element name, prefixed to paths in errors, e.g. `IATA_AirShoppingRQ`. */
  readonly rootName?: string;
}

export type { MappingDirection };
