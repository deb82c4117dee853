import { describe, expect, it } from 'vitest';
import {
  cleanXsdMessage,
  DEFAULT_MAX_ERRORS,
  extractElementName,
  locateIssues,
  resolveMaxErrors,
  type RawXsdIssue,
} from '../../../src/xsd/xsd-issues.ts';

const NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';

describe('cleanXsdMessage', () => {
  it('drops namespace URIs from qualified names and the trailing newline, keeping the wording', () => {
    const raw = `Element '{${NS}}PrefLevel': This element is not expected. Expected is ( {${NS}}CabinTypeCode ).\n`;
    expect(cleanXsdMessage(raw)).toBe("Element 'PrefLevel': This element is not expected. Expected is ( CabinTypeCode ).");
  });

  it('leaves facet value sets and other braces alone', () => {
    const raw = "Element 'AirShoppingRS', attribute 'Target': [facet 'enumeration'] The value 'Prod' is not an element of the set {'Test', 'Production'}.\n";
    expect(cleanXsdMessage(raw)).toBe(raw.trim());
    expect(cleanXsdMessage("The value '{abc}def' is wrong")).toBe("The value '{abc}def' is wrong");
  });
});

describe('extractElementName', () => {
  it('returns the local name whatever form libxml2 used', () => {
    expect(extractElementName(`Element '{${NS}}PrefLevel': x`)).toBe('PrefLevel');
    expect(extractElementName("Element 'cns:CardNumber': x")).toBe('CardNumber');
    expect(extractElementName("Element 'AirShoppingRS', attribute 'Target': x")).toBe('AirShoppingRS');
  });

  it('returns undefined when the message names no element', () => {
    expect(extractElementName('IDREF attribute PaxRefID references an unknown ID "P1"')).toBeUndefined();
  });
});

describe('resolveMaxErrors', () => {
  it('defaults to 50 and ignores values that are not positive integers', () => {
    expect(DEFAULT_MAX_ERRORS).toBe(50);
    expect(resolveMaxErrors()).toBe(50);
    expect(resolveMaxErrors({ maxErrors: 3 })).toBe(3);
    expect(resolveMaxErrors({ maxErrors: 0 })).toBe(50);
    expect(resolveMaxErrors({ maxErrors: 2.5 })).toBe(50);
  });
});

describe('locateIssues', () => {
  const doc = [
    '<Root>', //                                       1
    '  <Pax><PTC>ADT</PTC></Pax>', //                  2
    '  <Pax><PTC>XXX</PTC></Pax><Pax><PTC/></Pax>', // 3
    '  <Other', //                                     4
    '    a="1"/>', //                                  5
    '</Root>', //                                      6
  ].join('\n');

  it('adds the column of the start tag and a named path when the engine gives a line only', () => {
    const issues = locateIssues([{ message: "Element 'PTC': bad value.\n", line: 2 }], () => doc, 50);
    expect(issues).toEqual([{ message: "Element 'PTC': bad value.", line: 2, column: 8, path: '/Root/Pax[1]/PTC' }]);
  });

  it('uses libxml2 node path to choose between same-name elements on one line', () => {
    const issues = locateIssues([{ message: "Element 'PTC': x", line: 3, nodeXPath: '/*/*[3]/*' }], () => doc, 50);
    expect(issues[0]).toMatchObject({ line: 3, column: 33, path: '/Root/Pax[3]/PTC' });
  });

  it('takes the first same-name element on the line when no node path is known', () => {
    const issues = locateIssues([{ message: "Element 'PTC': x", line: 3 }], () => doc, 50);
    expect(issues[0]).toMatchObject({ line: 3, column: 8, path: '/Root/Pax[2]/PTC' });
  });

  it('on a minified line without node path, prefers the element holding the value the message quotes', () => {
    const minified = '<Codes><Code>SIN</Code><Code kind="a">sin</Code><Code kind="b">VIZ</Code></Codes>';
    const byText = locateIssues([{ message: "Element 'Code': [facet 'pattern'] The value 'sin' is not accepted by the pattern '[A-Z]{3}'.", line: 1 }], () => minified, 50);
    expect(byText[0]).toMatchObject({ column: 24, path: '/Codes/Code[2]' });
    const byAttribute = locateIssues([{ message: "Element 'Code', attribute 'kind': [facet 'enumeration'] The value 'b' is not an element of the set {'a'}.", line: 1 }], () => minified, 50);
    expect(byAttribute[0]).toMatchObject({ column: 49, path: '/Codes/Code[3]' });
  });

  it('points at the "<" of a start tag that spans lines, even though libxml2 reports its last line', () => {
    const issues = locateIssues([{ message: "Element 'Other', attribute 'a': not allowed", line: 5 }], () => doc, 50);
    expect(issues[0]).toMatchObject({ line: 4, column: 3, path: '/Root/Other' });
  });

  it('keeps the line and gives the first text column when no element matches', () => {
    const issues = locateIssues([{ message: 'IDREF attribute PaxRefID references an unknown ID "P1"', line: 6 }], () => doc, 50);
    expect(issues[0]).toEqual({ message: 'IDREF attribute PaxRefID references an unknown ID "P1"', line: 6, column: 1 });
  });

  it('keeps the column the engine gave and never scans the document then', () => {
    let scanned = false;
    const issues = locateIssues([{ message: 'Opening and ending tag mismatch\n', line: 2, column: 9 }], () => {
      scanned = true;
      return doc;
    }, 50);
    expect(issues).toEqual([{ message: 'Opening and ending tag mismatch', line: 2, column: 9 }]);
    expect(scanned).toBe(false);
  });

  it('caps the issues at maxErrors', () => {
    const raw: RawXsdIssue[] = Array.from({ length: 80 }, (_, i) => ({ message: `issue ${i}`, line: 1 }));
    expect(locateIssues(raw, () => doc, 7)).toHaveLength(7);
    expect(locateIssues(raw, () => doc, 7)[6]?.message).toBe('issue 6');
  });

  it('passes issues without a line through', () => {
    expect(locateIssues([{ message: 'Invalid input or internal error' }], () => doc, 50)).toEqual([{ message: 'Invalid input or internal error' }]);
  });
});
