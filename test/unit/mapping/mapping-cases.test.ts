import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyMapping, loadCodeTables, MappingError, MappingLoadError, parseMappingSource, type CodeTables, type MappingContext,
} from '../../../src/mapping/index.ts';

/**
 * Table-driven spec suite, like ajv's spec/: every cases/*.json file holds a list of
 * { description, mapping, input?, context?, expected | error } run by this one runner.
 */
interface SpecCase {
  readonly description: string;
  readonly mapping: unknown;
  readonly input?: unknown;
  readonly context?: MappingContext;
  readonly expected?: unknown;
  readonly error?: {
    readonly phase: 'load' | 'apply';
    readonly code?: string;
    /** Every text must occur in the error's messages. */
    readonly contains?: readonly string[];
    /** Exactly these detail paths, in order (apply errors). */
    readonly paths?: readonly string[];
  };
}

const casesFolder = fileURLToPath(new URL('./cases/', import.meta.url));
const mappingsFolder = fileURLToPath(new URL('../../../mappings/', import.meta.url));
const files = readdirSync(casesFolder).filter((name) => name.endsWith('.json')).sort();

function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(containsNull);
  if (typeof value === 'object') return Object.values(value as object).some(containsNull);
  return false;
}

let codeTables: CodeTables;
beforeAll(async () => {
  codeTables = await loadCodeTables(`${mappingsFolder}code-tables`);
});

it('has case files to run', () => {
  expect(files.length).toBeGreaterThanOrEqual(8);
});

for (const name of files) {
  const cases = JSON.parse(readFileSync(`${casesFolder}${name}`, 'utf8')) as SpecCase[];
  describe(name, () => {
    cases.forEach((spec, index) => {
      it(spec.description, () => {
        expect(spec.expected !== undefined || spec.error !== undefined, 'a case needs expected or error').toBe(true);
        const file = `${name}#${index}`;
        const load = () => parseMappingSource(JSON.stringify(spec.mapping, null, 2), file, { codeTables });
        if (spec.error?.phase === 'load') {
          let caught: unknown;
          try {
            load();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(MappingLoadError);
          const text = (caught as MappingLoadError).message;
          for (const part of spec.error.contains ?? []) expect(text).toContain(part);
          expect((caught as MappingLoadError).issues.every((issue) => issue.file === file && typeof issue.line === 'number')).toBe(true);
          return;
        }
        const mapping = load();
        const run = () => applyMapping(mapping, spec.input, spec.context);
        if (spec.error) {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(MappingError);
          const error = caught as MappingError;
          if (spec.error.code) expect(error.code).toBe(spec.error.code);
          if (spec.error.paths) expect(error.details.map((d) => d.path)).toEqual(spec.error.paths);
          const text = error.details.map((d) => d.message).join('\n');
          for (const part of spec.error.contains ?? []) expect(text).toContain(part);
          return;
        }
        const output = run();
        expect(output).toEqual(spec.expected);
        expect(containsNull(output)).toBe(false);
      });
    });
  });
}
