import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMapping, loadCodeTables, loadMappingFile, MappingLoadError, parseMappingSource } from '../../../src/mapping/index.ts';

function loadError(run: () => unknown): MappingLoadError {
  try {
    run();
  } catch (error) {
    if (error instanceof MappingLoadError) return error;
    throw error;
  }
  throw new Error('expected a MappingLoadError');
}

describe('parseMappingSource', () => {
  it('names the line and column of an unknown transform', () => {
    const yaml = [
      'command: offer.shop',
      'map:',
      '  journeys:',
      '    each: Request.Criteria',
      '    map:',
      '      date: { path: Date, transform: isoDat }',
    ].join('\n');
    const error = loadError(() => parseMappingSource(yaml, 'mappings/21.3/AirShopping.request.yaml'));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ file: 'mappings/21.3/AirShopping.request.yaml', line: 6, column: 38 });
    expect(error.message).toContain("mappings/21.3/AirShopping.request.yaml:6:38: unknown transform 'isoDat'");
  });

  it('points at a misspelt key, not at its object', () => {
    const yaml = ['command: offer.shop', 'map:', '  currency:', '    path: Cur', '    defualt: EUR'].join('\n');
    const error = loadError(() => parseMappingSource(yaml, 'f.yaml'));
    expect(error.issues[0]).toMatchObject({ line: 5, column: 5, message: "'defualt' is not allowed here" });
  });

  it('reports every problem of a file, in file order', () => {
    const yaml = [
      'command: offer.shop',
      'map:',
      '  a: { path: A, lookup: nothing }',
      '  b: { path: "B..C" }',
      '  c: { path: C, transform: { name: addDays, args: x } }',
    ].join('\n');
    const error = loadError(() => parseMappingSource(yaml, 'f.yaml'));
    expect(error.issues.map((issue) => issue.line)).toEqual([3, 4, 5]);
    expect(error.issues[0]?.message).toContain("unknown code table 'nothing'");
    expect(error.issues[1]?.message).toContain("invalid path 'B..C'");
    expect(error.issues[2]?.message).toContain('addDays takes a whole number');
  });

  it('reports the first YAML syntax error with its position and a hint for [n] in flow maps', () => {
    const yaml = ['command: offer.shop', 'map:', '  currency: { path: Params.Cur[0].Code }', '  other: x'].join('\n');
    const error = loadError(() => parseMappingSource(yaml, 'f.yaml'));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.line).toBe(3);
    expect(error.issues[0]?.message).toMatch(/^YAML syntax: /);
    expect(error.issues[0]?.message).toContain("write paths with [n] in quotes");
  });

  it('accepts the same path quoted, and unquoted in block style', () => {
    const yaml = [
      'command: offer.shop',
      'map:',
      "  a: { path: 'Cur[0].Code' }",
      '  b:',
      '    path: Cur[1].Code',
    ].join('\n');
    const mapping = parseMappingSource(yaml, 'f.yaml');
    expect(applyMapping(mapping, { Cur: [{ Code: 'EUR' }, { Code: 'GBP' }] })).toEqual({ a: 'EUR', b: 'GBP' });
  });

  it('reports a duplicate key as a YAML error', () => {
    const error = loadError(() => parseMappingSource('command: offer.shop\nmap:\n  a: x\n  a: y\n', 'f.yaml'));
    expect(error.issues[0]).toMatchObject({ line: 4 });
    expect(error.issues[0]?.message).toMatch(/unique/i);
  });

  it('locates errors in JSON files too', () => {
    const json = JSON.stringify({ command: 'offer.shop', map: { a: { path: 'A' }, b: { path: 'B', transform: 'nope' } } }, null, 2);
    const error = loadError(() => parseMappingSource(json, 'f.json'));
    const line = json.split('\n').findIndex((text) => text.includes('"nope"')) + 1;
    expect(error.issues[0]).toMatchObject({ file: 'f.json', line });
  });

  it('refuses an empty file', () => {
    const error = loadError(() => parseMappingSource('', 'empty.yaml'));
    expect(error.issues[0]?.message).toBe('must be object');
  });

  it('allows YAML anchors and merge keys to share rule parts', () => {
    const yaml = [
      'command: offer.shop',
      'map:',
      '  a: &date { path: D1, transform: isoDate }',
      '  b: { <<: *date, path: D2 }',
    ].join('\n');
    const mapping = parseMappingSource(yaml, 'f.yaml');
    expect(applyMapping(mapping, { D1: '2024-01-01T10:00:00', D2: '2024-02-02T10:00:00' })).toEqual({ a: '2024-01-01', b: '2024-02-02' });
  });

  it('checks the direction the file name announces', () => {
    const error = loadError(() => parseMappingSource('message: AirShoppingRS\nmap: {}\n', 'AirShopping.request.yaml', { direction: 'request' }));
    expect(error.issues[0]).toMatchObject({ line: 1, message: "a request mapping names the internal 'command' it builds, not a 'message'" });
  });

  it('exposes what the file builds', () => {
    const request = parseMappingSource('description: shop\ncommand: offer.shop\nmap: {}\n', 'r.yaml');
    const response = parseMappingSource('message: AirShoppingRS\nmap: {}\n', 's.yaml');
    expect(request).toMatchObject({ file: 'r.yaml', direction: 'request', command: 'offer.shop', description: 'shop' });
    expect(response).toMatchObject({ file: 's.yaml', direction: 'response', message: 'AirShoppingRS', description: undefined });
  });
});

describe('loadMappingFile and loadCodeTables', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'mapping-load-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads a file and names it in errors', async () => {
    const file = join(folder, 'Broken.request.yaml');
    await writeFile(file, 'command: offer.shop\nmap:\n  a: { path: A, lookup: missingTable }\n');
    await expect(loadMappingFile(file)).rejects.toThrow(`${file}:3:25: unknown code table 'missingTable'`);
  });

  it('reports a file that cannot be read', async () => {
    const file = join(folder, 'none.yaml');
    await expect(loadMappingFile(file)).rejects.toThrow(`${file}: cannot read`);
  });

  it('loads shared code tables and refuses a table defined twice', async () => {
    const tables = join(folder, 'tables');
    await rm(tables, { recursive: true, force: true });
    await mkdir(tables);
    await writeFile(join(tables, 'a.yaml'), "tables:\n  one: { '1': ONE }\n");
    await writeFile(join(tables, 'b.json'), '{ "tables": { "two": { "2": "TWO" } } }');
    const loaded = await loadCodeTables(tables);
    expect(loaded.get('one')?.get('1')).toBe('ONE');
    expect(loaded.get('two')?.get('2')).toBe('TWO');

    await writeFile(join(tables, 'c.yaml'), "description: again\ntables:\n  one: { '1': UNO }\n");
    const error = await loadCodeTables(tables).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(MappingLoadError);
    expect((error as MappingLoadError).issues[0]).toMatchObject({ file: join(tables, 'c.yaml'), line: 3 });
    expect((error as MappingLoadError).message).toContain(`already defined in ${join(tables, 'a.yaml')}`);
  });

  it('refuses code-table values that are not codes', async () => {
    const tables = join(folder, 'bad-tables');
    await mkdir(tables, { recursive: true });
    await writeFile(join(tables, 'a.yaml'), "tables:\n  one:\n    '1': ONE\n    '7':\n");
    await expect(loadCodeTables(tables)).rejects.toThrow(/a\.yaml:4:\d+: must be string, number or boolean/);
  });

  it('has no shared tables when the folder does not exist', async () => {
    expect((await loadCodeTables(join(folder, 'absent'))).size).toBe(0);
  });

  it('loads the shipped code tables', async () => {
    const shipped = await loadCodeTables(new URL('../../../mappings/code-tables', import.meta.url).pathname);
    expect(shipped.get('cabinCodes')?.get('4')).toBe('PREMIUM_ECONOMY');
    expect(shipped.get('cabinToNdc')?.get('ECONOMY')).toBe('5');
    expect(shipped.get('passengerTypes')?.get('CNN')).toBe('CHD');
  });
});
