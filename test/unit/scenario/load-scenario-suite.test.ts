import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatScenarioIssue, loadScenarioSuite, ScenarioLoadError, type ScenarioLoadIssue } from '../../../src/tools/scenario/index.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scenario-load-'));
  mkdirSync(join(dir, 'requests'));
  writeFileSync(join(dir, 'requests', 'shop.xml'), '<AirShoppingRQ><Date>{{date+45}}</Date><From>{{origin}}</From></AirShoppingRQ>\n');
  writeFileSync(join(dir, 'requests', 'price.xml'), '<OfferPriceRQ><OfferID>{{offerId}}</OfferID>{{paxIds | wrap:PaxRefID}}</OfferPriceRQ>\n');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = `name: Shop and price
version: 21.3
vars:
  origin: LHR
steps:
  - name: shop
    request: requests/shop.xml
    expect:
      status: 200
    capture:
      offerId: Response.OffersGroup.CarrierOffers[0].Offer[0].OfferID
      paxIds: { path: Response.DataLists.PaxList.Pax.PaxID, all: true }
  - name: price
    request: requests/price.xml
    expect:
      equals:
        Response.PricedOffer.OfferID: '{{offerId}}'
`;

function issuesOf(files: Record<string, string>): ScenarioLoadIssue[] {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  try {
    loadScenarioSuite(dir);
  } catch (error) {
    if (error instanceof ScenarioLoadError) return [...error.issues];
    throw error;
  }
  throw new Error('the suite loaded');
}

/** `file:line: message` with the file relative to the suite folder, for compact expectations. */
function located(issues: readonly ScenarioLoadIssue[]): string[] {
  return issues.map((issue) => `${issue.file.slice(dir.length + 1)}:${issue.line ?? '-'}: ${issue.message}`);
}

describe('loading a scenario suite', () => {
  it('loads scenarios in file-name order with their templates, defaults and compiled parts', () => {
    writeFileSync(join(dir, 'b.yaml'), GOOD);
    writeFileSync(join(dir, 'a.yml'), GOOD.replace('Shop and price', 'Another').replace('version: 21.3', "version: '17.2'\npath: /api/v1/ndc/17.2"));
    writeFileSync(join(dir, 'notes.txt'), 'not a scenario');
    const suite = loadScenarioSuite(dir);
    expect(suite.name).toBe(dir.split('/').pop());
    expect(suite.scenarios.map((s) => [s.name, s.version])).toEqual([['Another', '17.2'], ['Shop and price', '21.3']]);
    const [shop, price] = suite.scenarios[1]!.steps;
    expect(shop?.path).toBe('/api/v1/ndc');
    expect(suite.scenarios[0]!.steps[0]?.path).toBe('/api/v1/ndc/17.2');
    expect(shop?.line).toBe(6);
    expect(shop?.template.variables).toEqual(['origin']);
    expect(shop?.captures.map((c) => [c.name, c.mode, c.path.source])).toEqual([
      ['offerId', 'one', 'Response.OffersGroup.CarrierOffers[0].Offer[0].OfferID'],
      ['paxIds', 'all', 'Response.DataLists.PaxList.Pax.PaxID'],
    ]);
    expect(price?.expect.equals?.[0]?.path.source).toBe('Response.PricedOffer.OfferID');
    // One compiled template per file, however many scenarios post it.
    expect(suite.scenarios[0]!.steps[0]?.template).toBe(shop?.template);
  });

  it('loads the shipped suites', () => {
    for (const folder of ['scenarios/shopping-21.3', 'scenarios/shopping-17.2']) {
      const suite = loadScenarioSuite(folder);
      expect(suite.scenarios.length).toBeGreaterThan(0);
      for (const scenario of suite.scenarios) expect(scenario.steps.length).toBeGreaterThan(0);
    }
  });

  it('names file and line of a key the schema does not know, and of a wrong type', () => {
    const text = GOOD.replace('    expect:\n      status: 200', '    expect:\n      status: ok\n      xsdvalid: true');
    expect(located(issuesOf({ 's.yaml': text }))).toEqual([
      's.yaml:9: must be integer',
      "s.yaml:10: 'xsdvalid' is not allowed here",
    ]);
  });

  it('names the line of a missing required field and of an unknown version', () => {
    const text = GOOD.replace('version: 21.3', 'version: 18.1').replace('  - name: price\n', '  - title: price\n');
    expect(located(issuesOf({ 's.yaml': text }))).toEqual([
      's.yaml:2: must be one of: 17.2, 21.3, 24.4, 26.1',
      "s.yaml:13: 'name' is missing",
      "s.yaml:13: 'title' is not allowed here",
    ]);
  });

  it('names the line of a YAML syntax error', () => {
    const [issue] = issuesOf({ 's.yaml': `${GOOD}  - name: [unclosed\n` });
    expect(issue?.line).toBe(19);
    expect(issue?.message).toMatch(/^YAML syntax: /);
  });

  it('names the step line of a template that does not exist', () => {
    expect(located(issuesOf({ 's.yaml': GOOD.replace('requests/price.xml', 'requests/pricing.xml') }))).toEqual([
      `s.yaml:14: request template not found (from 'requests/pricing.xml', relative to the suite folder ${dir})`,
    ]);
  });

  it('names file, line and column of a bad placeholder inside a template', () => {
    writeFileSync(join(dir, 'requests', 'price.xml'), '<OfferPriceRQ>\n  <OfferID>{{offer id}}</OfferID>\n</OfferPriceRQ>\n');
    const issues = issuesOf({ 's.yaml': GOOD });
    expect(located(issues)).toEqual([
      "requests/price.xml:2: '{{offer id}}' is not a placeholder: write {{name}}, {{name[0]}}, {{name | join:SEP}}, {{date+N}}, {{datetime}} or {{uuid}}",
    ]);
    expect(issues[0]?.column).toBe(12);
    expect(formatScenarioIssue(issues[0]!)).toBe(`${join(dir, 'requests', 'price.xml')}:2:12: ${issues[0]!.message}`);
  });

  it('names the line of a template, header or expected value that uses a variable nothing sets before it', () => {
    const text = GOOD
      .replace('      offerId: Response', '      offer: Response')
      .replace('  - name: price\n', '  - name: price\n    headers:\n      X-Trace: "{{traceId}}"\n');
    expect(located(issuesOf({ 's.yaml': text }))).toEqual([
      "s.yaml:15: header 'X-Trace' uses {{traceId}}, which no vars entry and no capture of an earlier step sets (set here: offer, origin, paxIds)",
      's.yaml:16: template requests/price.xml uses {{offerId}}, which no vars entry and no capture of an earlier step sets (set here: offer, origin, paxIds)',
      's.yaml:19: expected value uses {{offerId}}, which no vars entry and no capture of an earlier step sets (set here: offer, origin, paxIds)',
    ]);
  });

  it('does not let a step use what it captures itself', () => {
    const text = GOOD.replace('    expect:\n      status: 200', "    expect:\n      equals:\n        Response.X: '{{offerId}}'");
    expect(located(issuesOf({ 's.yaml': text }))[0]).toMatch(/^s\.yaml:10: expected value uses \{\{offerId\}\}/);
  });

  it('names the lines of bad paths, patterns, ranges and variable names', () => {
    const text = `name: Broken
version: '21.3'
vars:
  uuid: mine
steps:
  - name: shop
    request: requests/shop.xml
    vars:
      origin: LHR
    expect:
      matches:
        Response.Offer: '([a-z'
      count:
        Response.c:Offer: 1
        Response.Offer: { min: 3, max: 2 }
    capture:
      date: Response.OfferID
      both: { path: Response.OfferID, all: true, join: ',' }
`;
    expect(located(issuesOf({ 's.yaml': text }))).toEqual([
      "s.yaml:4: 'uuid' is a built-in placeholder; choose another variable name",
      's.yaml:12: not a regular expression: Invalid regular expression: /([a-z/: Unterminated character class',
      "s.yaml:14: invalid path 'Response.c:Offer': 'c:Offer' is not a name with an optional [n] index (write local names, without namespace prefixes)",
      's.yaml:15: min 3 is above max 2',
      "s.yaml:17: 'date' is a built-in placeholder; choose another variable name",
      's.yaml:18: write either all: true (a list) or join (one value), not both',
    ]);
  });

  it('refuses two steps of one scenario, or two scenarios, with the same name', () => {
    const twice = GOOD.replace('  - name: price\n', '  - name: shop\n');
    expect(located(issuesOf({ 'a.yaml': GOOD, 'b.yaml': twice }))).toEqual([
      "b.yaml:13: a step named 'shop' comes earlier in this scenario; step names are JUnit testcase names and must differ",
    ]);
    rmSync(join(dir, 'b.yaml'));
    expect(located(issuesOf({ 'b.yaml': GOOD }))).toEqual([
      "b.yaml:-: scenario name 'Shop and price' is also the name of a.yaml; names are JUnit testsuite names and must differ",
    ]);
  });

  it('reports the problems of every file at once', () => {
    const issues = issuesOf({ 'a.yaml': GOOD.replace('status: 200', 'status: 99'), 'b.yaml': GOOD.replace('name: Shop and price', 'name: B').replace('version: 21.3', 'version: 1') });
    expect(located(issues)).toEqual(['a.yaml:9: must be >= 100', 'b.yaml:2: must be one of: 17.2, 21.3, 24.4, 26.1']);
  });

  it('refuses a folder that does not exist or holds no scenario file', () => {
    expect(() => loadScenarioSuite(join(dir, 'nope'))).toThrow('not a folder');
    expect(() => loadScenarioSuite(join(dir, 'requests'))).toThrow('no scenario files (.yaml or .yml) in this folder');
  });
});
