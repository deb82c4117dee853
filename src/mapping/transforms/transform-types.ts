import type { CompiledPath } from '../mapping-path.ts';

/** What a transform may read besides its input value. */
export interface TransformContext {
  /** Current instant as an ISO 8601 string: `$ctx.now` when the caller pinned it, else the clock. */
  now(): string;
  /** Reads a path (compiled in `prepare`) against the item the rule is evaluated on. */
  read(path: CompiledPath): unknown;
}

/**
 * One named transform, like an ajv keyword: data, not engine code.
 * Adding a transform means adding one of these objects to the registry.
 */
export interface TransformDefinition<Args = unknown> {
  readonly name: string;
  /** One line for the mapping README and the lint tool. */
  readonly description: string;
  /**
   * `scalar`: the engine applies the transform to each element when the value is an array, and
   * skips absent values. `list`: the transform receives the value whole, arrays included, and is
   * skipped for absent values. `source`: the transform runs even when the value is absent (it makes a value).
   */
  readonly input: 'scalar' | 'list' | 'source';
  /**
   * Checks and prepares `args` once, when the mapping file is loaded, so that a bad argument is a
   * load error with a line number rather than a failure on a live request. Throw an Error to reject.
   */
  prepare?(args: unknown): Args;
  /** Returns the new value; `undefined` means absent. Throw an Error when the value cannot be transformed. */
  apply(value: unknown, args: Args, ctx: TransformContext): unknown;
}

/** Registry of transforms by name. */
export type TransformRegistry = ReadonlyMap<string, TransformDefinition>;

/** Declares a transform with typed arguments; the registry stores it with its argument type erased. */
export function defineTransform<Args>(definition: TransformDefinition<Args>): TransformDefinition {
  return definition as unknown as TransformDefinition;
}

/** Describes a value in an error message without dumping large structures. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null || value === undefined) return 'nothing';
  return 'an object';
}

/** Accepts strings and finite numbers as text; anything else is refused with a clear message. */
export function requireText(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  throw new Error(`expected ${what}, got ${describeValue(value)}`);
}
