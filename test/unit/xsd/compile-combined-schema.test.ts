import { describe, expect, it } from 'vitest';
import { compileCombinedSchema, SchemaCompileError, type CompiledSchemaSet, type XsdEngine } from '../../../src/xsd/index.ts';

/**
 * How a set of schema documents compiles, as data: pairs that define the same name, documents that
 * need another one's types, documents that do not parse. Whether the engine names the file an
 * error is in is the switch between the two ways the culprits are found.
 */
interface Rules {
  readonly conflicts?: readonly (readonly [string, string])[];
  readonly needs?: readonly (readonly [string, string])[];
  readonly broken?: readonly string[];
  readonly namesFiles: boolean;
}

const file = (name: string): string => `/pkg/${name}.xsd`;
const members = (...names: string[]): { message: string; file: string }[] => names.map((message) => ({ message, file: file(message) }));

/** An engine whose compileSet follows `rules`, and that records every set it was asked for. */
function ruleEngine(rules: Rules): { engine: XsdEngine; attempts: string[][] } {
  const attempts: string[][] = [];
  const set = (): CompiledSchemaSet => ({ validate: () => [], member: () => ({ validate: () => [], dispose: () => undefined }), dispose: () => undefined });
  const engine: XsdEngine = {
    name: 'libxml2-wasm',
    compile: () => {
      throw new Error('not used');
    },
    compileSet(files) {
      attempts.push(files.map((f) => f.slice('/pkg/'.length, -'.xsd'.length)));
      const has = (name: string): boolean => files.includes(file(name));
      const fail = (culprit: string, detail: string): never => {
        throw new SchemaCompileError('The combined schema', detail, rules.namesFiles ? [file(culprit)] : []);
      };
      for (const name of rules.broken ?? []) if (has(name)) fail(name, `${name} is not well-formed`);
      for (const [first, second] of rules.conflicts ?? []) {
        if (has(first) && has(second)) fail(files.indexOf(file(first)) > files.indexOf(file(second)) ? first : second, `${first} and ${second} define the same type`);
      }
      for (const [needing, provider] of rules.needs ?? []) if (has(needing) && !has(provider)) fail(needing, `${needing} refers to a type of ${provider}`);
      return set();
    },
  };
  return { engine, attempts };
}

const excludedOf = (result: ReturnType<typeof compileCombinedSchema>): string[] => result.excluded.map((e) => e.member.message);

describe('compileCombinedSchema', () => {
  it('compiles every member in one go when they agree', () => {
    const { engine, attempts } = ruleEngine({ namesFiles: true, needs: [['Notif', 'History']] });
    const result = compileCombinedSchema(engine, 'urn:x', members('A', 'Notif', 'History', 'Z'));
    expect(result.schema).toBeDefined();
    expect(result.included.map((m) => m.message)).toEqual(['A', 'Notif', 'History', 'Z']);
    expect(result.excluded).toEqual([]);
    expect(attempts).toHaveLength(1);
  });

  it('takes out the members the engine names, with its reason', () => {
    const { engine, attempts } = ruleEngine({ namesFiles: true, conflicts: [['Notif', 'History']], broken: ['Display'] });
    const result = compileCombinedSchema(engine, 'urn:x', members('A', 'Display', 'History', 'Notif', 'Z'));
    expect(excludedOf(result)).toEqual(['Display', 'Notif']);
    expect(result.excluded[1]?.reason).toBe('Notif and History define the same type');
    expect(result.included.map((m) => m.message)).toEqual(['A', 'History', 'Z']);
    expect(attempts).toHaveLength(3);
  });

  it('finds the same members by search when the engine names none', () => {
    const names = members(...Array.from({ length: 37 }, (_, i) => `M${String(i).padStart(2, '0')}`), 'Display', 'History', 'Notif');
    const rules = { conflicts: [['Notif', 'History']], broken: ['Display'] } as const;
    const named = compileCombinedSchema(ruleEngine({ ...rules, namesFiles: true }).engine, 'urn:x', names);
    const { engine, attempts } = ruleEngine({ ...rules, namesFiles: false });
    const searched = compileCombinedSchema(engine, 'urn:x', names);
    expect(excludedOf(searched)).toEqual(excludedOf(named));
    expect(searched.schema).toBeDefined();
    expect(searched.included).toHaveLength(38);
    // a search costs a few compiles per culprit, not one per member
    expect(attempts.length).toBeLessThan(30);
  });

  it('keeps a member that needs one found later in the search (24.4 OrderChangeNotifRQ and OrderHistoryRS)', () => {
    const { engine } = ruleEngine({ namesFiles: false, conflicts: [['A', 'B']], needs: [['Notif', 'History']] });
    const result = compileCombinedSchema(engine, 'urn:x', members('A', 'B', 'Notif', 'C', 'History'));
    expect(excludedOf(result)).toEqual(['B']);
    expect(result.included.map((m) => m.message).sort()).toEqual(['A', 'C', 'History', 'Notif']);
  });

  it('gives no combined schema when fewer than two members compile together', () => {
    const { engine } = ruleEngine({ namesFiles: true, broken: ['B'] });
    const result = compileCombinedSchema(engine, 'urn:x', members('A', 'B'));
    expect(result.schema).toBeUndefined();
    expect(result.included).toEqual([]);
    expect(excludedOf(result)).toEqual(['B', 'A']);
    expect(result.excluded[1]?.reason).toMatch(/no other message schema of its namespace/);
  });
});
