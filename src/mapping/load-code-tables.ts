import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MappingLoadError, type MappingLoadIssue } from './mapping-error.ts';
import { getMappingValidators } from './mapping-schema.ts';
import { parseSource, validateSource } from './mapping-source.ts';
import type { CodeTable, CodeTables } from './mapping-types.ts';

const DATA_FILE = /\.(ya?ml|json)$/;

/**
 * Loads every code-table file of a folder (`*.yaml`, `*.yml`, `*.json`); each holds
 * `tables: { <name>: { <code>: <value> } }`. A missing folder means no shared tables.
 * A table name defined in two files is an error naming both.
 *
 * @throws MappingLoadError listing every problem found.
 */
export async function loadCodeTables(folder: string): Promise<CodeTables> {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => DATA_FILE.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const tables = new Map<string, CodeTable>();
  const origin = new Map<string, string>();
  const issues: MappingLoadIssue[] = [];
  // Read at once: a reload under load would otherwise wait a busy event-loop turn per file.
  const texts = await Promise.all(names.map((name) => readFile(join(folder, name), 'utf8')));
  for (const [index, name] of names.entries()) {
    const file = join(folder, name);
    const source = parseSource(texts[index] ?? '', file);
    const problems = source.issues.length > 0 ? source.issues : validateSource(source, getMappingValidators().codeTableFile);
    if (problems.length > 0) {
      issues.push(...problems);
      continue;
    }
    const value = source.value as { tables: Record<string, Record<string, string | number | boolean>> };
    for (const [table, codes] of Object.entries(value.tables)) {
      const first = origin.get(table);
      if (first) {
        issues.push(source.issue(['tables', table], `code table '${table}' is already defined in ${first}`, { key: true }));
        continue;
      }
      origin.set(table, file);
      tables.set(table, new Map(Object.entries(codes)));
    }
  }
  if (issues.length > 0) throw new MappingLoadError(issues);
  return tables;
}

/** The code tables of a mappings folder (`<mappingsPath>/code-tables`); their problems are added to `issues` and no table is used. */
export async function loadSharedCodeTables(mappingsPath: string, issues: MappingLoadIssue[]): Promise<CodeTables> {
  try {
    return await loadCodeTables(join(mappingsPath, 'code-tables'));
  } catch (error) {
    if (!(error instanceof MappingLoadError)) throw error;
    issues.push(...error.issues);
    return new Map();
  }
}
