import { readFile } from 'node:fs/promises';
import { MappingLoadError, parseMappingSource, type CodeTables, type MappingDirection, type MappingLoadIssue } from '../../mapping/index.ts';
import { parseSource, validateSource, type ParsedSource } from '../../mapping/mapping-source.ts';
import { getMappingValidators } from '../../mapping/mapping-schema.ts';
import type { LintIssue } from './lint-issue.ts';

export function asLoadIssues(issues: readonly MappingLoadIssue[]): LintIssue[] {
  return issues.map((issue) => ({ ...issue, severity: 'error', code: 'load' }));
}

/**
 * Reads a mapping file as the loader would (YAML, the mapping JSON Schema, then compiling it in
 * `direction`), with what the loader refused as `load` issues. `source` is left out when the file
 * could not be parsed or broke the schema: then there is nothing further to lint.
 */
export async function loadForLint(file: string, codeTables: CodeTables, direction: MappingDirection): Promise<{ text: string; source?: ParsedSource; issues: LintIssue[] }> {
  const text = await readFile(file, 'utf8');
  const source = parseSource(text, file);
  if (source.issues.length > 0) return { text, issues: asLoadIssues(source.issues) };
  const schemaIssues = validateSource(source, getMappingValidators().mapping);
  if (schemaIssues.length > 0) return { text, issues: asLoadIssues(schemaIssues) };
  try {
    parseMappingSource(text, file, { codeTables, direction });
    return { text, source, issues: [] };
  } catch (error) {
    if (!(error instanceof MappingLoadError)) throw error;
    return { text, source, issues: asLoadIssues(error.issues) };
  }
}
