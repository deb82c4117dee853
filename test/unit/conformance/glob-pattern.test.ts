import { describe, expect, it } from 'vitest';
import { compileGlob, isGlob, splitGlob } from '../../../src/tools/conformance/glob-pattern.ts';

describe('compileGlob', () => {
  it.each([
    ['*.xml', 'a.xml', true],
    ['*.xml', 'sub/a.xml', false],
    ['**/*.xml', 'a.xml', true],
    ['**/*.xml', 'x/y/a.xml', true],
    ['21.3/*RQ*.xml', '21.3/AirShoppingRQ__JQ.xml', true],
    ['21.3/*RQ*.xml', '21.3/AirShoppingRS__JQ.xml', false],
    ['{17.2,21.3}/*.xml', '17.2/a.xml', true],
    ['{17.2,21.3}/*.xml', '24.4/a.xml', false],
    ['file?.xml', 'file1.xml', true],
    ['file?.xml', 'file10.xml', false],
    ['[AO]*.xml', 'Order.xml', true],
    ['[!AO]*.xml', 'Order.xml', false],
    ['a/**', 'a/b/c.xml', true],
    ['a.b', 'aXb', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(compileGlob(glob).test(path)).toBe(expected);
  });

  it('refuses an unclosed brace', () => {
    expect(() => compileGlob('{a,b')).toThrow(/Unclosed/);
  });
});

describe('splitGlob', () => {
  it('walks from the folders before the first glob segment', () => {
    expect(splitGlob('samples/21.3/*RQ.xml')).toEqual({ base: 'samples/21.3', pattern: '*RQ.xml' });
    expect(splitGlob('/work/shared/**/*.xml')).toEqual({ base: '/work/shared', pattern: '**/*.xml' });
    expect(splitGlob('*.xml')).toEqual({ base: '.', pattern: '*.xml' });
    expect(splitGlob('/*.xml')).toEqual({ base: '/', pattern: '*.xml' });
  });
});

describe('isGlob', () => {
  it('tells globs from paths', () => {
    expect(isGlob('samples/*.xml')).toBe(true);
    expect(isGlob('samples/{a,b}')).toBe(true);
    expect(isGlob('samples/a.xml')).toBe(false);
  });
});
