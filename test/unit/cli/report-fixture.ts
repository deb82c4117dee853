import type { ConformanceReport, FileResult } from '../../../src/tools/conformance/conformance-types.ts';
import { summariseResults } from '../../../src/tools/conformance/summarise-results.ts';

/** A run over four files with two engines: valid, invalid, disputed between engines, and not NDC. */
export function buildReport(): ConformanceReport {
  const files: FileResult[] = [
    {
      file: 'samples/21.3/AirShoppingRQ_ok.xml', status: 'valid', rootName: 'IATA_AirShoppingRQ', message: 'AirShoppingRQ', version: '21.3', versionSource: 'default',
      verdicts: [{ engine: 'libxml2', valid: true, issues: [], durationMs: 1.5 }, { engine: 'xerces', valid: true, issues: [], durationMs: 400 }], disagreement: false,
    },
    {
      file: 'samples/21.3/AirShoppingRQ_bad.xml', status: 'invalid', rootName: 'IATA_AirShoppingRQ', message: 'AirShoppingRQ', version: '21.3', versionSource: 'payload',
      verdicts: [
        { engine: 'libxml2', valid: false, issues: [{ message: "Element 'PrefLevel': This element is not expected & <odd> \u0001", line: 44, column: 7, path: '/IATA_AirShoppingRQ/Request/PrefLevel' }], durationMs: 2 },
        { engine: 'xerces', valid: false, issues: [{ message: "cvc-complex-type.2.4.a: Invalid content 'PrefLevel'", line: 44, column: 7, path: '/IATA_AirShoppingRQ/Request/PrefLevel' }], durationMs: 410 },
      ],
      disagreement: false,
    },
    {
      file: 'samples/21.3/OrderCreateRQ_emoji.xml', status: 'invalid', rootName: 'IATA_OrderCreateRQ', message: 'OrderCreateRQ', version: '21.3', versionSource: 'default',
      verdicts: [
        { engine: 'libxml2', valid: true, issues: [], durationMs: 3 },
        { engine: 'xerces', valid: false, issues: [{ message: 'cvc-maxLength-valid: length 65 exceeds 64', line: 56, column: 7, path: '/IATA_OrderCreateRQ/Surname' }], durationMs: 420 },
      ],
      disagreement: true,
    },
    {
      file: 'samples/other/page.xml', status: 'error', rootName: 'html', namespace: 'urn:x',
      error: { code: 'NOT_NDC', message: 'html in namespace urn:x is not an NDC message', line: 1, column: 1 }, verdicts: [], disagreement: false,
    },
  ];
  return { schemaPath: '/schemas', engines: ['libxml2', 'xerces'], startedAt: '2026-01-02T03:04:05.000Z', files, summary: summariseResults(files, 1234) };
}
