import type { MappingIssue } from './mapping-error.ts';

/**
 * The path language of mapping files, compiled once at load time.
 *
 *   Request.PaxList.Pax[0].PTC   relative to the current item; `[n]` is a 0-based index
 *   $.Request.PaxList            from the document root
 *   ^.PaxID  ^.^.OfferID         from the parent item (the scope an `each` or a rebased `map` started from)
 *   $config.currency  $ctx.now   from the context the caller passes
 *   $item  $index  $position     the current item, its 0-based and 1-based index in its `each`
 *
 * Walking through an array by name takes its first element, so `OriginDestCriteria.Date` reads the
 * first criteria's date. The last step is returned as found: a repeated element stays an array.
 */
export interface CompiledPath {
  readonly source: string;
  readonly anchor: PathAnchor;
  readonly steps: readonly PathStep[];
}

export type PathAnchor =
  | { readonly kind: 'item'; readonly up: number }
  | { readonly kind: 'index' | 'position'; readonly up: number }
  | { readonly kind: 'root' | 'config' | 'ctx' };

export interface PathStep {
  readonly name: string;
  readonly indexes: readonly number[];
}

/** An item being mapped, and how it was reached (kept so that errors can name the exact element). */
export interface Scope {
  readonly item: unknown;
  readonly parent: Scope | undefined;
  /** 0-based index of the item in the nearest enclosing `each`. */
  readonly index: number | undefined;
  readonly origin: ScopeOrigin | undefined;
}

export interface ScopeOrigin {
  readonly scope: Scope;
  readonly path: CompiledPath;
  /** Index taken from the array the path resolved to, if it resolved to an array. */
  readonly pick: number | undefined;
}

/** State of one application of a mapping. */
export interface RunState {
  readonly root: unknown;
  readonly config: unknown;
  readonly ctx: unknown;
  /** Prepended to input paths in errors, e.g. `/IATA_AirShoppingRQ`. */
  readonly rootPrefix: string;
  readonly issues: MappingIssue[];
  now(): string;
}

/** Thrown by parsePath; the loader adds file, line and column. */
export class PathSyntaxError extends Error {
  override name = 'PathSyntaxError';
}

const STEP = /^([^.[\]\s$^][^.[\]\s]*)((?:\[\d+\])*)$/;
const PARENT = /^\^(?:\.\^)*/;

function parseSteps(text: string, source: string): PathStep[] {
  if (text === '') return [];
  return text.split('.').map((part) => {
    const match = STEP.exec(part);
    if (!match || match[1] === undefined) {
      throw new PathSyntaxError(`invalid path '${source}': '${part}' is not a name with optional [n] indexes`);
    }
    const indexes = [...(match[2] ?? '').matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    return { name: match[1], indexes };
  });
}

/** Parses a path once; throws PathSyntaxError with a message an author can act on. */
export function parsePath(source: string): CompiledPath {
  if (typeof source !== 'string' || source.trim() !== source || source === '') {
    throw new PathSyntaxError(`invalid path '${String(source)}': a path is a non-empty string without surrounding spaces`);
  }
  if (source === '$') return { source, anchor: { kind: 'root' }, steps: [] };
  if (source.startsWith('$.')) return { source, anchor: { kind: 'root' }, steps: parseSteps(source.slice(2), source) };
  for (const kind of ['config', 'ctx'] as const) {
    const prefix = `$${kind}`;
    if (source === prefix || source.startsWith(`${prefix}.`)) {
      const steps = parseSteps(source.slice(prefix.length + 1), source);
      if (steps.length === 0) throw new PathSyntaxError(`invalid path '${source}': name a value, e.g. ${prefix}.currency`);
      return { source, anchor: { kind }, steps };
    }
  }
  let rest = source;
  let up = 0;
  const parents = PARENT.exec(rest);
  if (parents) {
    up = (parents[0].length + 1) / 2;
    rest = rest.slice(parents[0].length);
    if (rest === '') return { source, anchor: { kind: 'item', up }, steps: [] };
    if (!rest.startsWith('.')) throw new PathSyntaxError(`invalid path '${source}': write '^.' before a name`);
    rest = rest.slice(1);
    if (rest === '') throw new PathSyntaxError(`invalid path '${source}': name a value after '^.'`);
  }
  if (rest === '$item') return { source, anchor: { kind: 'item', up }, steps: [] };
  if (rest === '$index') return { source, anchor: { kind: 'index', up }, steps: [] };
  if (rest === '$position') return { source, anchor: { kind: 'position', up }, steps: [] };
  if (rest.startsWith('$')) {
    throw new PathSyntaxError(`invalid path '${source}': '$' starts $., $config., $ctx., $item, $index or $position`);
  }
  return { source, anchor: { kind: 'item', up }, steps: parseSteps(rest, source) };
}

function ascend(scope: Scope, up: number): Scope | undefined {
  let current: Scope | undefined = scope;
  for (let i = 0; i < up && current; i += 1) current = current.parent;
  return current;
}

const hasOwn = Object.prototype.hasOwnProperty;

function stepInto(value: unknown, step: PathStep, trail: string[] | undefined): unknown {
  let current = value;
  if (Array.isArray(current)) {
    if (trail && trail.length > 0) trail[trail.length - 1] += '[1]';
    current = current[0];
  }
  if (trail && step.name !== '#text') trail.push(step.name);
  current = current !== null && typeof current === 'object' && hasOwn.call(current, step.name)
    ? (current as Record<string, unknown>)[step.name]
    : undefined;
  for (const index of step.indexes) {
    if (trail) trail[trail.length - 1] += `[${index + 1}]`;
    if (Array.isArray(current)) current = current[index];
    else if (index !== 0) current = undefined;
  }
  return current;
}

function walk(path: CompiledPath, scope: Scope, run: RunState, trail: string[] | undefined): unknown {
  const { anchor } = path;
  let current: unknown;
  switch (anchor.kind) {
    case 'root':
      current = run.root;
      break;
    case 'config':
      current = run.config;
      break;
    case 'ctx':
      current = run.ctx;
      if (path.steps.length === 1 && path.steps[0]?.name === 'now') {
        const pinned = stepInto(current, { name: 'now', indexes: [] }, undefined);
        return pinned === undefined ? run.now() : pinned;
      }
      break;
    case 'index':
    case 'position': {
      const index = ascend(scope, anchor.up)?.index;
      return index === undefined ? undefined : anchor.kind === 'index' ? index : index + 1;
    }
    case 'item': {
      const base = ascend(scope, anchor.up);
      if (!base) return undefined;
      if (trail) trail.push(...traceScope(base, run));
      current = base.item;
      break;
    }
  }
  for (const step of path.steps) current = stepInto(current, step, trail);
  return current;
}

/** Reads a compiled path from a scope. Hot path: no allocation beyond what the walk needs. */
export function readPath(path: CompiledPath, scope: Scope, run: RunState): unknown {
  return walk(path, scope, run, undefined);
}

function traceScope(scope: Scope, run: RunState): string[] {
  const origin = scope.origin;
  if (!origin) return [];
  const trail: string[] = [];
  walk(origin.path, origin.scope, run, trail);
  if (origin.pick !== undefined && trail.length > 0) trail[trail.length - 1] += `[${origin.pick + 1}]`;
  return trail;
}

/**
 * Names the element a path points at from a scope, XPath style with 1-based indexes,
 * e.g. `/IATA_AirShoppingRQ/Request/PaxList/Pax[2]/PTC`. Only computed when an error is reported.
 */
export function describePath(path: CompiledPath | undefined, scope: Scope, run: RunState): string {
  if (path && (path.anchor.kind === 'config' || path.anchor.kind === 'ctx')) return path.source;
  const trail: string[] = [];
  if (path && path.anchor.kind !== 'index' && path.anchor.kind !== 'position') walk(path, scope, run, trail);
  else trail.push(...traceScope(scope, run));
  if (trail.length === 0) return run.rootPrefix || '/';
  return `${run.rootPrefix}/${trail.join('/')}`;
}
