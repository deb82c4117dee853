import { describe, expect, it } from 'vitest';
import { buildElementPath, findStartTagsOnLine, matchesNodeXPath, scanStartTags } from '../../../src/xsd/xml-tag-scanner.ts';

const DOC = [
  '<?xml version="1.0" encoding="UTF-8"?>', //                          1
  '<!-- <Fake> in a comment -->', //                                    2
  '<Root xmlns="urn:m" xmlns:c="urn:c">', //                            3
  '  <Pax><PTC>ADT</PTC></Pax>', //                                     4
  '  <Pax a="x > y" b=\'<\'/>', //                                      5  ('<' in a value is tolerated)
  '  <![CDATA[ <NotATag> ]]>', //                                       6
  '  <?pi <AlsoNot>?>', //                                              7
  '  <c:Pax', //                                                        8
  '     id="3"', //                                                     9
  '  ><PTC/></c:Pax>', //                                              10
  '  <Only/>', //                                                      11
  '</Root>', //                                                        12
].join('\n');

function slotsNamed(name: string): number[] {
  const index = scanStartTags(DOC);
  return [...Array(index.count).keys()].filter((i) => index.localNames[i] === name);
}

describe('scanStartTags', () => {
  it('finds only real start tags, skipping comments, CDATA and processing instructions', () => {
    const index = scanStartTags(DOC);
    expect(index.qnames).toEqual(['Root', 'Pax', 'PTC', 'Pax', 'c:Pax', 'PTC', 'Only']);
  });

  it('records the line and 1-based column of the "<" and the line where the start tag ends', () => {
    const index = scanStartTags(DOC);
    const [, secondPtc] = slotsNamed('PTC');
    expect(index.startLines[0]).toBe(3);
    expect(index.columns[0]).toBe(1);
    expect(index.startLines[1]).toBe(4);
    expect(index.columns[1]).toBe(3);
    expect(index.columns[2]).toBe(8);
    // <c:Pax opens on line 8 and its start tag closes on line 10
    expect(index.startLines[4]).toBe(8);
    expect(index.endLines[4]).toBe(10);
    expect(index.startLines[secondPtc as number]).toBe(10);
  });

  it('keeps the nesting right across self-closing tags and quoted ">"', () => {
    const index = scanStartTags(DOC);
    expect(index.parents).toEqual([-1, 0, 1, 0, 0, 4, 0]);
  });

  it('does not throw on broken input', () => {
    for (const broken of ['', '<', '<a', '<a b="unterminated', '<a><!-- open', '</x></y><z', '<!DOCTYPE a [<!ENTITY e "x">', '<<<>>>']) {
      expect(() => scanStartTags(broken)).not.toThrow();
    }
    expect(scanStartTags('<a><b c="1"').qnames).toEqual(['a', 'b']);
  });

  it('skips a DOCTYPE with an internal subset', () => {
    const index = scanStartTags('<!DOCTYPE a [\n<!ELEMENT a (#PCDATA)>\n]>\n<a/>');
    expect(index.qnames).toEqual(['a']);
    expect(index.startLines[0]).toBe(4);
  });

  it('does not count a byte order mark as a column', () => {
    expect(scanStartTags('\uFEFF<a/>').columns[0]).toBe(1);
  });
});

describe('buildElementPath', () => {
  it('adds [n] only where siblings share the local name', () => {
    const index = scanStartTags(DOC);
    const paths = [...Array(index.count).keys()].map((i) => buildElementPath(index, i));
    expect(paths).toEqual([
      '/Root',
      '/Root/Pax[1]',
      '/Root/Pax[1]/PTC',
      '/Root/Pax[2]',
      '/Root/Pax[3]',
      '/Root/Pax[3]/PTC',
      '/Root/Only',
    ]);
  });
});

describe('findStartTagsOnLine', () => {
  it('returns the tags that start, end or span a line', () => {
    const index = scanStartTags(DOC);
    expect(findStartTagsOnLine(index, 4).map((i) => index.qnames[i])).toEqual(['Pax', 'PTC']);
    expect(findStartTagsOnLine(index, 9).map((i) => index.qnames[i])).toEqual(['c:Pax']);
    expect(findStartTagsOnLine(index, 10).map((i) => index.qnames[i])).toEqual(['c:Pax', 'PTC']);
    expect(findStartTagsOnLine(index, 2)).toEqual([]);
    expect(findStartTagsOnLine(index, 99)).toEqual([]);
  });
});

describe('matchesNodeXPath', () => {
  const index = scanStartTags(DOC);

  it('matches libxml2 generic steps by position among all element children', () => {
    expect(matchesNodeXPath(index, 3, '/*/*[2]')).toBe(true);
    expect(matchesNodeXPath(index, 3, '/*/*[1]')).toBe(false);
    expect(matchesNodeXPath(index, 2, '/*/*[1]/*')).toBe(true);
    expect(matchesNodeXPath(index, 0, '/*')).toBe(true);
  });

  it('matches prefixed steps by position among same-name siblings', () => {
    expect(matchesNodeXPath(index, 4, '/*/c:Pax')).toBe(true);
    expect(matchesNodeXPath(index, 5, '/*/c:Pax/*')).toBe(true);
    expect(matchesNodeXPath(index, 4, '/*/Pax')).toBe(false);
  });

  it('requires the path to reach the root exactly', () => {
    expect(matchesNodeXPath(index, 2, '/*[1]/*')).toBe(false);
    expect(matchesNodeXPath(index, 2, '/*/*/*/*')).toBe(false);
  });

  it('ignores attribute and text steps at the end', () => {
    expect(matchesNodeXPath(index, 2, '/*/*[1]/*/text()')).toBe(true);
  });
});
