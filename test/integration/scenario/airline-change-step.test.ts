import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceAirline, type ReferenceAirline } from '../../../src/reference/airline/index.ts';
import { loadScenarioSuite, runScenarioSuites, ScenarioLoadError } from '../../../src/tools/scenario/index.ts';
import { TODAY } from '../../unit/airline/airline-test-support.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';
import { FLIGHT_DATE, holdOrder, offerOn, shopLhrFra } from '../airline/airline-support.ts';

/** The `airlineChange` scenario step against a real reference airline. */

let airline: ReferenceAirline;
let airlineUrl: string;
const folders: string[] = [];

function suite(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'scenario-airline-'));
  folders.push(dir);
  writeFileSync(join(dir, 'change.yaml'), yaml);
  return dir;
}

beforeAll(async () => {
  airline = createReferenceAirline({ designator: 'XR', name: 'Reference Air', now: () => TODAY, adminKey: 'scenario-admin-key' });
  airlineUrl = (await airline.listen(0, '127.0.0.1')).url;
  await holdOrder(airlineUrl, offerOn(await shopLhrFra(airlineUrl), '101'), 'ORD1');
});

afterAll(async () => {
  await airline.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('airlineChange scenario step', () => {
  it('changes flights at the airline, checks and captures from its JSON answer', async () => {
    const dir = suite(`name: airline changes
version: '21.3'
vars:
  flightDate: '${FLIGHT_DATE}'
steps:
  - name: airline moves XR101
    airlineChange:
      flightNumber: XR101
      date: '{{flightDate}}'
      kind: SCHEDULE_CHANGE
      shiftMinutes: 45
      reason: Slot moved
    expect:
      status: 200
      equals: { orderIds: ORD1, event.kind: SCHEDULE_CHANGE, 'event.segments[0].departure': '{{flightDate}}T08:25:00' }
      count: { orderIds: 1 }
    capture:
      segmentId: flight.segmentId
  - name: airline cancels it
    airlineChange:
      segmentId: '{{segmentId}}'
      kind: CANCELLATION
    expect:
      status: 200
      equals: { flight.cancelled: true, event.defaultAction: CANCEL }
`);
    const report = await runScenarioSuites([loadScenarioSuite(dir)], {
      url: 'http://127.0.0.1:9', airlineUrl, airlineAdminKey: 'scenario-admin-key', schemaPath: SCHEMA_PATH, xsdEngine: 'libxml2-wasm',
    });
    const steps = report.scenarios[0]?.steps ?? [];
    expect(steps.map((s) => [s.name, s.status, s.failures])).toEqual([['airline moves XR101', 'passed', []], ['airline cancels it', 'passed', []]]);
    expect(steps[0]?.captured).toEqual({ segmentId: `SEG-XR101-${FLIGHT_DATE.replaceAll('-', '')}` });

    // Without the admin key the airline refuses, and the step fails on its status.
    const refused = await runScenarioSuites([loadScenarioSuite(dir)], { url: 'http://127.0.0.1:9', airlineUrl, schemaPath: SCHEMA_PATH, xsdEngine: 'libxml2-wasm' });
    expect(refused.scenarios[0]?.steps[0]?.httpStatus).toBe(401);
    expect(refused.scenarios[0]?.steps[0]?.status).toBe('failed');
  });

  it('a step names a request or an airline change, not both', () => {
    const dir = suite(`name: both
version: '21.3'
steps:
  - name: confused
    request: requests/shop.xml
    airlineChange: { flightNumber: '101', date: '2027-01-05', kind: CANCELLATION }
`);
    expect(() => loadScenarioSuite(dir)).toThrow(ScenarioLoadError);
  });
});
