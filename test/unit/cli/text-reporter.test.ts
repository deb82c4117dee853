import { describe, expect, it } from 'vitest';
import { formatSummary, formatTextReport } from '../../../src/tools/cli/reporters/text.reporter.ts';
import { buildReport } from './report-fixture.ts';

describe('formatTextReport', () => {
  const text = formatTextReport(buildReport());

  it('gives each file a line with its verdict, version and message', () => {
    expect(text).toMatch(/^PASS {3}21\.3 AirShoppingRQ +samples\/21\.3\/AirShoppingRQ_ok\.xml$/m);
    expect(text).toMatch(/^FAIL {3}21\.3 AirShoppingRQ +samples\/21\.3\/AirShoppingRQ_bad\.xml$/m);
    expect(text).toMatch(/^ERROR {2}html +samples\/other\/page\.xml\n {4}NOT_NDC: html in namespace urn:x is not an NDC message \(1:1\)$/m);
  });

  it('indents each issue with engine, line:column, path and message', () => {
    expect(text).toContain('    [libxml2] 44:7  /IATA_AirShoppingRQ/Request/PrefLevel\n');
    expect(text).toContain("              Element 'PrefLevel': This element is not expected");
  });

  it('flags a disagreement and ends with the summary', () => {
    expect(text).toContain('    engines disagree: libxml2 valid, xerces invalid (1 issue)\n');
    expect(text.trimEnd().split('\n').at(-1)).toBe(formatSummary(buildReport()));
    expect(formatSummary(buildReport())).toBe('4 files: 1 valid, 2 invalid, 1 error, 1 engine disagreement (engines: libxml2, xerces; 1.2 s)');
  });
});
