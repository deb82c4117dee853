import { MappingError, type MappingIssue } from './mapping-error.ts';
import type { RunState, Scope } from './mapping-path.ts';
import type { CompiledMapping, MappingContext } from './mapping-types.ts';

function pinnedNow(ctx: object | undefined): string | undefined {
  const now = ctx === undefined ? undefined : (ctx as Record<string, unknown>).now;
  if (typeof now === 'string') return now;
  if (now instanceof Date) return now.toISOString();
  return undefined;
}

/**
 * Applies a compiled mapping to the content of a root element (request) or to a worker result
 * (response). Pure: no I/O; the clock is read at most once, and not at all when `ctx.now` is given.
 * Absent values are omitted, never written as null.
 *
 * @throws MappingError (a GatewayError: INVALID_COMMAND for requests, INVALID_RESPONSE for responses)
 *   listing every required value that was missing and every value a transform or lookup refused.
 */
export function applyMapping(mapping: CompiledMapping, input: unknown, context: MappingContext = {}): Record<string, unknown> {
  const issues: MappingIssue[] = [];
  let now = pinnedNow(context.ctx);
  const run: RunState = {
    root: input,
    config: context.config,
    ctx: context.ctx,
    rootPrefix: context.rootName ? `/${context.rootName}` : '',
    issues,
    now: () => (now ??= new Date().toISOString()),
  };
  const scope: Scope = { item: input, parent: undefined, index: undefined, origin: undefined };
  const output = mapping.evaluate(scope, run);
  if (issues.length > 0) throw new MappingError(mapping.direction, mapping.file, issues);
  return output;
}
