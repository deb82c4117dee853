import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findInputFiles } from '../../../src/tools/conformance/find-input-files.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'find-inputs-'));
  for (const file of ['21.3/AirShoppingRQ.xml', '21.3/AirShoppingRS.xml', '21.3/deep/OrderViewRS.xml', '17.2/AirShoppingRQ.xml', '17.2/notes.txt', '.hidden/x.xml']) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), '<x/>');
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findInputFiles', () => {
  it('takes every .xml file below a folder, skipping hidden folders', () => {
    const { files, unmatched } = findInputFiles(['.'], dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      '17.2/AirShoppingRQ.xml', '21.3/AirShoppingRQ.xml', '21.3/AirShoppingRS.xml', '21.3/deep/OrderViewRS.xml',
    ]);
    expect(unmatched).toEqual([]);
  });

  it('expands globs, relative to the working directory', () => {
    const { files } = findInputFiles(['*/*RQ.xml'], dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['17.2/AirShoppingRQ.xml', '21.3/AirShoppingRQ.xml']);
    expect(findInputFiles(['21.3/**/*.xml'], dir).files).toHaveLength(3);
  });

  it('takes a named file whatever its extension, and lists each file once', () => {
    const { files } = findInputFiles(['17.2/notes.txt', '17.2', '17.2/AirShoppingRQ.xml'], dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['17.2/AirShoppingRQ.xml', '17.2/notes.txt']);
  });

  it('reports paths that do not exist and globs that match nothing', () => {
    const { files, unmatched } = findInputFiles(['missing.xml', '*/*.json', '21.3/AirShoppingRQ.xml'], dir);
    expect(files).toHaveLength(1);
    expect(unmatched).toEqual(['missing.xml', '*/*.json']);
  });
});
