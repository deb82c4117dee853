import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { formatScenarioJunitReport, formatScenarioSummary, formatScenarioTextReport, type ScenarioRunReport } from '../../../src/tools/scenario/index.ts';

const REPORT: ScenarioRunReport = {
  url: 'http://127.0.0.1:8080',
  startedAt: '2030-02-27T10:00:00.000Z',
  scenarios: [
    {
      suite: 'shopping-21.3',
      name: 'Shop and price',
      file: '/suites/shopping-21.3/shop.yaml',
      version: '21.3',
      status: 'failed',
      startedAt: '2030-02-27T10:00:00.000Z',
      durationMs: 1234,
      steps: [
        { name: 'shop', request: 'requests/shop.xml', status: 'passed', durationMs: 800, httpStatus: 200, responseRoot: 'IATA_AirShoppingRS', failures: [], captured: { offerId: 'OF1', paxIds: ['PAX1', 'PAX2'] } },
        {
          name: 'price', request: 'requests/price.xml', status: 'failed', durationMs: 40, httpStatus: 200, responseRoot: 'IATA_OfferPriceRS', captured: {},
          failures: [
            { assertion: 'equals Response.PricedOffer.OfferID', message: "expected 'OF1', got 'OF2'" },
            { assertion: 'noErrors', message: 'the response carries 1 NDC error', excerpt: '720 OFFER_NOT_FOUND <gone> & \u0001done' },
          ],
        },
        { name: 'seats', request: 'requests/seats.xml', status: 'skipped', durationMs: 0, failures: [], error: "step 'price' did not pass", captured: {} },
      ],
    },
    {
      suite: 'shopping-21.3',
      name: 'Unknown offer',
      file: '/suites/shopping-21.3/unknown.yaml',
      version: '21.3',
      status: 'error',
      startedAt: '2030-02-27T10:00:01.000Z',
      durationMs: 3,
      steps: [{ name: 'price unknown', request: 'requests/price.xml', status: 'error', durationMs: 3, failures: [], error: 'POST http://127.0.0.1:8080/api/v1/ndc failed: fetch failed: connect ECONNREFUSED', captured: {} }],
    },
    {
      suite: 'shopping-17.2',
      name: 'All good',
      file: '/suites/shopping-17.2/good.yaml',
      version: '17.2',
      status: 'passed',
      startedAt: '2030-02-27T10:00:02.000Z',
      durationMs: 50,
      steps: [{ name: 'shop', request: 'requests/shop.xml', status: 'passed', durationMs: 50, httpStatus: 200, responseRoot: 'AirShoppingRS', failures: [], captured: {} }],
    },
  ],
  summary: { scenarios: 3, scenariosPassed: 1, steps: 5, passed: 2, failed: 1, errors: 1, skipped: 1, durationMs: 1300 },
};

describe('scenario reports', () => {
  it('text: ✓/✗ per scenario and step, the failing checks with their excerpts, then the summary', () => {
    const text = formatScenarioTextReport(REPORT, '/suites');
    expect(text).toBe(`✗ Shop and price  [21.3, shopping-21.3/shop.yaml]  1.2 s
    ✓ shop  200 IATA_AirShoppingRS  (800 ms)
    ✗ price  200 IATA_OfferPriceRS  (40 ms)
        equals Response.PricedOffer.OfferID: expected 'OF1', got 'OF2'
        noErrors: the response carries 1 NDC error
          | 720 OFFER_NOT_FOUND <gone> & \u0001done
    - seats  (skipped)
        step 'price' did not pass

✗ Unknown offer  [21.3, shopping-21.3/unknown.yaml]  3 ms
    ✗ price unknown  (3 ms)
        error: POST http://127.0.0.1:8080/api/v1/ndc failed: fetch failed: connect ECONNREFUSED

✓ All good  [17.2, shopping-17.2/good.yaml]  50 ms
    ✓ shop  200 AirShoppingRS  (50 ms)

3 scenarios: 1 passed, 2 failed; 5 steps: 2 passed, 1 failed, 1 error, 1 skipped (http://127.0.0.1:8080; 1.3 s)
`);
    expect(formatScenarioSummary(REPORT)).toBe(text.trimEnd().split('\n').pop());
  });

  it('text: lists the first six failed checks of a step and counts the rest', () => {
    const failures = Array.from({ length: 9 }, (_, i) => ({ assertion: `count P${i}`, message: 'expected 1, got 0' }));
    const scenario = { ...REPORT.scenarios[0]!, steps: [{ ...REPORT.scenarios[0]!.steps[1]!, failures }] };
    const text = formatScenarioTextReport({ ...REPORT, scenarios: [scenario] }, '/suites');
    expect(text).toContain('count P5: expected 1, got 0\n        … and 3 more failed checks\n');
    expect(text).not.toContain('count P6');
  });

  it('JUnit: a testsuite per scenario and a testcase per step, with failure, error and skipped counted right', () => {
    const xml = formatScenarioJunitReport(REPORT, '/suites');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) }).parse(xml) as {
      testsuites: Record<string, string> & { testsuite: (Record<string, string> & { testcase: Record<string, any>[]; properties: { property: Record<string, string>[] } })[] };
    };
    expect(parsed.testsuites).toMatchObject({ name: 'ndc-gateway scenario run', tests: '5', failures: '1', errors: '1', skipped: '1', time: '1.300' });
    const suites = parsed.testsuites.testsuite;
    expect(suites.map((s) => [s.name, s.tests, s.failures, s.errors, s.skipped, s.file])).toEqual([
      ['Shop and price', '3', '1', '0', '1', 'shopping-21.3/shop.yaml'],
      ['Unknown offer', '1', '0', '1', '0', 'shopping-21.3/unknown.yaml'],
      ['All good', '1', '0', '0', '0', 'shopping-17.2/good.yaml'],
    ]);
    expect(suites[0]!.properties.property).toContainEqual({ name: 'ndcVersion', value: '21.3' });
    const [shop, price, seats] = suites[0]!.testcase;
    expect(shop).toMatchObject({ name: 'shop', classname: 'scenario.shopping-21.3.shop', time: '0.800' });
    expect(shop!['system-out']).toBe('POST requests/shop.xml\nHTTP 200 IATA_AirShoppingRS\ncaptured offerId = OF1\ncaptured paxIds = [PAX1, PAX2]');
    expect(price!.failure).toMatchObject({ type: 'equals', message: "equals Response.PricedOffer.OfferID: expected 'OF1', got 'OF2'" });
    // Characters XML cannot carry are replaced; markup in excerpts is escaped.
    expect(price!.failure['#text']).toBe("equals Response.PricedOffer.OfferID: expected 'OF1', got 'OF2'\nnoErrors: the response carries 1 NDC error\n  | 720 OFFER_NOT_FOUND <gone> & \uFFFDdone");
    expect(seats!.skipped).toMatchObject({ message: "step 'price' did not pass" });
    expect(suites[1]!.testcase[0]!.error).toMatchObject({ type: 'step-error', message: expect.stringContaining('ECONNREFUSED') });
    expect(suites[2]!.testcase[0]!.failure).toBeUndefined();
  });
});
