import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AirlinesFileError, parseAirlinesFile, servesJourneys } from '../../../src/airlines/airlines-file.ts';
import { ConfigError, loadConfig } from '../../../src/config/config.ts';
import { listDeploymentProblems } from '../../../src/config/deployment-check.ts';

const GOOD = `airlines:
  - designator: XA
    name: Alpha Air
    kind: ndc
    url: http://127.0.0.1:8181/api/v1/ndc/
    version: '17.2'
    headers: { Authorization: { env: XA_AUTH }, X-Agency: AGG1 }
    serves: { airports: [LHR, CDG], routes: [LHR-JFK] }
    timeoutMs: 3000
    agency: { id: AGG1, name: Aggregator }
    settlement: { cardNumber: { env: XA_CARD }, expiry: '2030-12', holderName: AGGREGATOR LTD }
  - designator: XR
    name: Reference Air
    kind: reference
fanOut: { maxOffers: 50 }
`;

function problemsOf(text: string): string[] {
  try {
    parseAirlinesFile(text, 'airlines.yaml', { env: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(AirlinesFileError);
    return (error as Error).message.split('\n').slice(1);
  }
  throw new Error('the file was accepted');
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('AIRLINES_FILE', () => {
  it('reads airlines with their secrets from the environment and fills in the defaults', () => {
    const setup = parseAirlinesFile(GOOD, 'airlines.yaml', { env: { XA_AUTH: 'Bearer s3cret', XA_CARD: '4111111111111111' }, defaultRetries: 1 });
    const [xa, xr] = setup.airlines;
    expect(xa).toMatchObject({
      designator: 'XA', kind: 'ndc', url: 'http://127.0.0.1:8181/api/v1/ndc', version: '17.2', timeoutMs: 3000, retries: 1, connections: 16,
      headers: { Authorization: 'Bearer s3cret', 'X-Agency': 'AGG1' }, settlement: { cardNumber: '4111111111111111', holderName: 'AGGREGATOR LTD' },
    });
    expect(xr).toMatchObject({ designator: 'XR', kind: 'reference', timeoutMs: 5000, retries: 1, headers: {}, serves: { airports: [], routes: [] } });
    expect(xr?.url).toBeUndefined();
    expect(setup.fanOut.maxOffers).toBe(50);
    expect(setup.missingSecrets).toEqual([]);
  });

  it('names file, line and column of a schema problem', () => {
    const text = GOOD.replace("version: '17.2'", "version: '18.1'").replace('kind: reference', 'kind: reference\n    colour: blue');
    expect(problemsOf(text)).toEqual([
      'airlines.yaml:6:14: must be one of: 17.2, 21.3, 24.4, 26.1',
      'airlines.yaml:15:5: \'colour\' is not allowed here',
    ]);
  });

  it('says what an ndc airline lacks and what a reference airline may not have', () => {
    expect(problemsOf('airlines:\n  - { designator: XA, name: A, kind: ndc }\n')).toEqual([
      "airlines.yaml:2:5: 'url' is missing",
      "airlines.yaml:2:5: 'version' is missing",
    ]);
    expect(problemsOf("airlines:\n  - designator: XR\n    name: R\n    kind: reference\n    version: '21.3'\n")).toEqual([
      "airlines.yaml:5:5: 'version' is for ndc airlines only",
    ]);
  });

  it('refuses a designator named twice, and YAML that does not parse', () => {
    expect(problemsOf('airlines:\n  - { designator: XR, name: A, kind: reference, url: http://a }\n  - { designator: XR, name: B, kind: reference, url: http://b }\n'))
      .toEqual(['airlines.yaml:3:19: designator XR is already the one of airlines[0]']);
    expect(problemsOf('airlines:\n  - { designator: XR, name: A, kind: reference }\n  - { designator: XS, name: B, kind: reference }\n'))
      .toEqual(['airlines.yaml:3:5: only one reference airline may leave out url (the built-in reference airline, which airlines[0] already is)']);
    expect(problemsOf('airlines:\n  - { designator: XR, name: A\n')[0]).toMatch(/^airlines\.yaml:\d+:\d+: YAML syntax/);
  });

  it('lists secrets whose variable is not set, by position, and leaves their values out', () => {
    const setup = parseAirlinesFile(GOOD, 'airlines.yaml', { env: { XA_CARD: '4111111111111111' } });
    expect(setup.missingSecrets).toEqual(['airlines.yaml:7:31: the environment variable XA_AUTH is not set']);
    expect(setup.airlines[0]?.headers).toEqual({ 'X-Agency': 'AGG1' });
  });

  it('is read by the configuration, which stops on a bad file, and production refuses the embedded airline and missing secrets', () => {
    const folder = mkdtempSync(join(tmpdir(), 'airlines-file-'));
    folders.push(folder);
    writeFileSync(join(folder, 'airlines.yaml'), GOOD);
    writeFileSync(join(folder, 'bad.json'), '{"airlines": []}');
    const config = loadConfig({ AIRLINES_FILE: 'airlines.yaml', XA_CARD: '4111111111111111' }, folder);
    expect(config.airlines?.airlines.map((a) => a.designator)).toEqual(['XA', 'XR']);
    expect(loadConfig({}, folder).airlines).toBeUndefined();
    expect(() => loadConfig({ AIRLINES_FILE: 'bad.json' }, folder)).toThrow(ConfigError);
    expect(() => loadConfig({ AIRLINES_FILE: 'bad.json' }, folder)).toThrow(/bad\.json:1:14: must NOT have fewer than 1 items/);

    const production = loadConfig({ AIRLINES_FILE: 'airlines.yaml', XA_CARD: '4111111111111111', GATEWAY_PROFILE: 'production' }, folder);
    const problems = listDeploymentProblems(production, 'worker');
    expect(problems.some((p) => p.includes('reference airline XR has no url'))).toBe(true);
    expect(problems.some((p) => p.includes('XA_AUTH is not set'))).toBe(true);
    expect(problems.some((p) => p.startsWith('AIRLINE_URL'))).toBe(false);
  });

  it('serves every journey whose both ends it flies, by airport or by route in either direction', () => {
    const entry = { serves: { airports: ['LHR', 'CDG'], routes: ['LHR-JFK'] } };
    expect(servesJourneys(entry, [{ origin: 'CDG', destination: 'LHR' }])).toBe(true);
    expect(servesJourneys(entry, [{ origin: 'JFK', destination: 'LHR' }, { origin: 'LHR', destination: 'JFK' }])).toBe(true);
    expect(servesJourneys(entry, [{ origin: 'CDG', destination: 'JFK' }])).toBe(false);
    expect(servesJourneys({ serves: { airports: [], routes: [] } }, [{ origin: 'SYD', destination: 'GRU' }])).toBe(true);
  });
});
