import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { formatJunitReport } from '../../../src/tools/cli/reporters/junit.reporter.ts';
import { buildReport } from './report-fixture.ts';

interface Testcase { '@_name': string; '@_classname': string; failure?: { '@_type': string; '@_message': string; '#text': string }; error?: { '@_type': string; '@_message': string }; 'system-out'?: string }
interface Testsuite { '@_name': string; '@_tests': string; '@_failures': string; '@_errors': string; testcase: Testcase[] }
interface Junit { testsuites: { '@_tests': string; '@_failures': string; '@_errors': string; testsuite: Testsuite[] } }

function parse(xml: string): Junit {
  expect(XMLValidator.validate(xml)).toBe(true);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => name === 'testsuite' || name === 'testcase' }).parse(xml) as Junit;
}

describe('formatJunitReport', () => {
  const xml = formatJunitReport(buildReport());
  const { testsuites } = parse(xml);

  it('counts tests, failures and errors on the root and on each suite', () => {
    expect(testsuites).toMatchObject({ '@_tests': '4', '@_failures': '2', '@_errors': '1' });
    expect(testsuites.testsuite.map((s) => [s['@_name'], s['@_tests'], s['@_failures'], s['@_errors']])).toEqual([
      ['21.3 AirShoppingRQ', '2', '1', '0'],
      ['21.3 OrderCreateRQ', '1', '1', '0'],
      ['samples/other', '1', '0', '1'],
    ]);
  });

  it('has one testcase per file; a failure lists the issues of every engine with position and path', () => {
    const [ok, bad] = testsuites.testsuite[0]!.testcase;
    expect(ok).toMatchObject({ '@_name': 'samples/21.3/AirShoppingRQ_ok.xml', '@_classname': 'ndc.21.3.AirShoppingRQ' });
    expect(ok!.failure).toBeUndefined();
    expect(bad!.failure?.['@_type']).toBe('xsd-invalid');
    expect(bad!.failure?.['#text']).toContain('[libxml2] 44:7 /IATA_AirShoppingRQ/Request/PrefLevel Element');
    expect(bad!.failure?.['#text']).toContain("[xerces] 44:7 /IATA_AirShoppingRQ/Request/PrefLevel cvc-complex-type.2.4.a");
  });

  it('escapes markup and replaces characters XML cannot carry', () => {
    expect(xml).toContain('This element is not expected &amp; &lt;odd&gt; \uFFFD');
    expect(xml).not.toContain('\u0001');
  });

  it('flags a file the engines disagree on', () => {
    const disputed = testsuites.testsuite[1]!.testcase[0]!;
    expect(disputed.failure).toMatchObject({ '@_type': 'engines-disagree', '@_message': 'Engines disagree: libxml2 valid, xerces invalid (1 issue)' });
    expect(disputed['system-out']).toBe('engines: libxml2 valid, xerces invalid (1 issue)');
  });

  it('reports a file without verdict as an error', () => {
    const other = testsuites.testsuite[2]!.testcase[0]!;
    expect(other.error).toMatchObject({ '@_type': 'NOT_NDC', '@_message': 'html in namespace urn:x is not an NDC message' });
  });
});
