import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSchemaFolders, schemaErrorDetails } from '../../../src/contracts/schema-folders.ts';

const folders: string[] = [];

function folderWith(files: Record<string, object>): string {
  const folder = mkdtempSync(join(tmpdir(), 'schema-folder-'));
  folders.push(folder);
  for (const [name, schema] of Object.entries(files)) writeFileSync(join(folder, name), JSON.stringify(schema));
  return folder;
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('schema folders', () => {
  it('resolves a $ref from one folder into another by $id', () => {
    const shared = folderWith({ 'common.json': { $id: 'https://example.test/shared/common.json', definitions: { code: { type: 'string', pattern: '^[A-Z]{3}$' } } } });
    const own = folderWith({
      'thing.json': {
        $id: 'https://example.test/own/thing.json', type: 'object', additionalProperties: false, required: ['code'],
        properties: { code: { $ref: '../shared/common.json#/definitions/code' } },
      },
    });
    const validate = loadSchemaFolders([shared, own]).get('thing');
    expect(validate?.({ code: 'EUR' })).toBe(true);
    expect(validate?.({ code: 'euro', extra: 1 })).toBe(false);
    expect(schemaErrorDetails(validate!).map((d) => d.message).sort()).toEqual(['/ must NOT have additional properties (extra)', '/code must match pattern "^[A-Z]{3}$"']);
  });

  it('refuses the same schema name in two folders', () => {
    const a = folderWith({ 'thing.json': { type: 'object' } });
    const b = folderWith({ 'thing.json': { type: 'string' } });
    expect(() => loadSchemaFolders([a, b])).toThrow(/thing is already loaded/);
  });
});
