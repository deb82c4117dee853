import { resolve } from 'node:path';
import { SchemaCompileError } from './schema-compile-error.ts';
import type { CompiledSchemaSet, XsdEngine } from './xsd-types.ts';

/** A message schema that may take part in a combined schema. */
export interface SchemaSetMember {
  readonly message: string;
  /** Path of the message's own XSD. */
  readonly file: string;
}

/** A member left out of the combined schema, and the compile error that put it out. */
export interface ExcludedMember<M extends SchemaSetMember> {
  readonly member: M;
  readonly reason: string;
}

/** The one schema of a namespace's message schemas, and who is in it. */
export interface CombinedSchema<M extends SchemaSetMember> {
  /** Compiled from `included`; undefined when fewer than two members compile together. */
  readonly schema: CompiledSchemaSet | undefined;
  readonly included: readonly M[];
  /** Members taken out so that the rest compiles; each is to be compiled on its own. */
  readonly excluded: readonly ExcludedMember<M>[];
  /** Compiles tried, the one that succeeded included. */
  readonly attempts: number;
}

type Attempt = (files: readonly string[]) => CompiledSchemaSet | SchemaCompileError;

/**
 * Finds members to take out when the engine does not say which file broke the combined schema:
 * grows a set that compiles, half a list at a time, and takes out a member that cannot join it.
 * A member may need one that comes after it (24.4 OrderChangeNotifRQ finds its types only in
 * OrderHistoryRS), so every member taken out is tried once more against the whole set at the end.
 */
function findMembersToExclude<M extends SchemaSetMember>(members: readonly M[], attempt: Attempt): ExcludedMember<M>[] {
  const accepted: M[] = [];
  const rejected: ExcludedMember<M>[] = [];
  const failsWith = (list: readonly M[]): SchemaCompileError | undefined => {
    const result = attempt(list.map((m) => m.file));
    if (result instanceof SchemaCompileError) return result;
    result.dispose();
    return undefined;
  };
  const grow = (chunk: readonly M[]): void => {
    const error = failsWith([...accepted, ...chunk]);
    if (error === undefined) {
      accepted.push(...chunk);
    } else if (chunk.length === 1) {
      rejected.push({ member: chunk[0] as M, reason: error.detail });
    } else {
      const half = Math.ceil(chunk.length / 2);
      grow(chunk.slice(0, half));
      grow(chunk.slice(half));
    }
  };
  // the whole list is known not to compile: start with its halves
  const half = Math.ceil(members.length / 2);
  grow(members.slice(0, half));
  grow(members.slice(half));
  for (const candidate of [...rejected]) {
    if (failsWith([...accepted, candidate.member]) === undefined) {
      accepted.push(candidate.member);
      rejected.splice(rejected.indexOf(candidate), 1);
    }
  }
  return rejected;
}

/**
 * Compiles one schema that includes every member (message schemas of one target namespace in one
 * package). Where members conflict (26.1 OrderHistoryRS and OrderChangeNotifRQ both define
 * `ChangeGroupType`) or one does not parse (17.2 AirDocDisplayRQ, a space before `<?xml`), the
 * culprits are taken out and the rest compiled again: the files the engine names in its error,
 * or, when it names none of the members, the members a search finds. A combined schema holds
 * every global element of its members, so whoever validates a message with it must check the
 * root element (`CompiledSchemaSet.member`).
 */
export function compileCombinedSchema<M extends SchemaSetMember>(engine: XsdEngine, namespace: string, members: readonly M[]): CombinedSchema<M> {
  let attempts = 0;
  const attempt: Attempt = (files) => {
    attempts += 1;
    try {
      return engine.compileSet(files, namespace);
    } catch (error) {
      if (error instanceof SchemaCompileError) return error;
      const detail = error instanceof Error ? error.message : String(error);
      return new SchemaCompileError('The combined schema', detail, [], { cause: error });
    }
  };
  const excluded: ExcludedMember<M>[] = [];
  let included = [...members];
  while (included.length >= 2) {
    const result = attempt(included.map((m) => m.file));
    if (!(result instanceof SchemaCompileError)) return { schema: result, included, excluded, attempts };
    const named = included.filter((m) => result.files.includes(resolve(m.file)));
    const culprits = named.length > 0 && named.length < included.length
      ? named.map((member) => ({ member, reason: result.detail }))
      : findMembersToExclude(included, attempt);
    // nothing to blame (the engine is not deterministic about it): no combined schema at all
    const out = culprits.length > 0 ? culprits : included.map((member) => ({ member, reason: result.detail }));
    excluded.push(...out);
    included = included.filter((m) => !out.some((c) => c.member === m));
  }
  for (const member of included) excluded.push({ member, reason: 'no other message schema of its namespace compiles together with it' });
  return { schema: undefined, included: [], excluded, attempts };
}
