import { readFile } from 'node:fs/promises';
import { compileMappingSpec } from './compile-mapping.ts';
import { MappingLoadError, type MappingDirection } from './mapping-error.ts';
import { getMappingValidators } from './mapping-schema.ts';
import { parseSource, validateSource } from './mapping-source.ts';
import type { CodeTables, CompiledMapping, MappingSpec } from './mapping-types.ts';
import { createTransformRegistry, type TransformRegistry } from './transforms/index.ts';

export interface LoadMappingOptions {
  /** Transforms the file may name. @defaultValue the built-in transforms */
  readonly transforms?: TransformRegistry;
  /** Shared code tables (mappings/code-tables). @defaultValue none */
  readonly codeTables?: CodeTables;
  /** Expected direction, from the file name; a mismatch is a load error. */
  readonly direction?: MappingDirection;
}

let builtIns: TransformRegistry | undefined;

/**
 * Parses, schema-checks and compiles a mapping from text (YAML or JSON). Every problem (syntax,
 * schema, unknown transform or code table, bad path, bad transform args) names file, line and column.
 *
 * @throws MappingLoadError listing every problem found.
 */
export function parseMappingSource(text: string, file: string, options: LoadMappingOptions = {}): CompiledMapping {
  const source = parseSource(text, file);
  if (source.issues.length > 0) throw new MappingLoadError(source.issues);
  const schemaIssues = validateSource(source, getMappingValidators().mapping);
  if (schemaIssues.length > 0) throw new MappingLoadError(schemaIssues);
  const result = compileMappingSpec(source.value as MappingSpec, {
    file,
    transforms: options.transforms ?? (builtIns ??= createTransformRegistry()),
    codeTables: options.codeTables ?? new Map(),
    ...(options.direction ? { direction: options.direction } : {}),
  });
  if (!result.mapping) {
    throw new MappingLoadError(result.issues.map((issue) => source.issue(issue.pointer, issue.message)));
  }
  return result.mapping;
}

/** Reads and compiles one mapping file. @throws MappingLoadError */
export async function loadMappingFile(file: string, options: LoadMappingOptions = {}): Promise<CompiledMapping> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MappingLoadError([{ file, message: `cannot read: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  return parseMappingSource(text, file, options);
}
