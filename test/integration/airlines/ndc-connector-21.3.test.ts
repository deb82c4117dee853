import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirlineConnector, AirlineEntry } from '../../../src/airlines/airline-connector.ts';
import { createMemoryAirlineOrderLinks, createNdcConnector, createNdcSchemas, type NdcSchemas } from '../../../src/airlines/ndc/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createXsdEngine } from '../../../src/xsd/index.ts';
import { dayFromToday } from '../../support/ndc-doc.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * The NDC connector against a real NDC 21.3 airline: another instance of this gateway, started in
 * the test with its own reference airline and payment service. Every command goes out as an RQ
 * built by mappings/outbound/21.3, is answered by the gateway's own inbound mappings, and comes
 * back as a result checked against the airline contract.
 */

const logger = createLogger('silent');
let airline: RunningGateway;
let schemas: NdcSchemas;
let connector: AirlineConnector;
const links = createMemoryAirlineOrderLinks();

function entry(url: string, extra: Partial<AirlineEntry> = {}): AirlineEntry {
  return {
    designator: 'XB', name: 'Bravo Air', kind: 'ndc', url, version: '21.3', headers: {},
    serves: { airports: [], routes: [] }, timeoutMs: 10_000, retries: 0, connections: 4,
    agency: { id: 'AGG1', name: 'Aggregator' },
    settlement: { cardNumber: '4111111111111111', expiry: '2030-12', holderName: 'AGGREGATOR LTD', cvv: '123' },
    ...extra,
  };
}

beforeAll(async () => {
  airline = await startGateway({ AIRLINE_DESIGNATOR: 'XB' });
  schemas = createNdcSchemas({ engine: await createXsdEngine(airline.config.xsdEngine), schemaPath: airline.config.schemaPath, logger });
  connector = createNdcConnector(entry(`${airline.url}/api/v1/ndc`), { logger, links, schemas, mappingsPath: airline.config.mappingsPath });
}, 120_000);

afterAll(async () => {
  await connector?.close();
  schemas?.dispose();
  await airline?.close();
});

const call = (command: string, payload: unknown) => connector.call(command, payload, { correlationId: `test-${command}-${Date.now()}` });

describe('NDC connector, 21.3 airline', () => {
  it('shops: AirShoppingRQ out, the offers, journeys, segments and fare families of the AirShoppingRS back', async () => {
    const date = dayFromToday(30);
    const result = await call('offer.shop', {
      journeys: [{ origin: 'LHR', destination: 'JFK', date }],
      passengers: [{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'CHD' }],
      currency: 'EUR', maxOffers: 5,
    }) as any;
    expect(result.currency).toBe('EUR');
    expect(result.offers.length).toBeGreaterThan(0);
    expect(result.offers.length).toBeLessThanOrEqual(5);
    for (const offer of result.offers) {
      expect(offer.owner).toBe('XB');
      expect(offer.totalPrice.currency).toBe('EUR');
      expect(offer.totalPrice.total).toBeCloseTo(offer.offerItems.reduce((sum: number, item: any) => sum + item.price.total, 0), 2);
      for (const id of offer.journeyIds) expect(result.journeys.map((j: any) => j.journeyId)).toContain(id);
      expect(result.fareFamilies.map((f: any) => f.code)).toContain(offer.fareFamily);
    }
    const journey = result.journeys.find((j: any) => j.journeyId === result.offers[0].journeyIds[0]);
    expect(journey.origin).toBe('LHR');
    expect(journey.destination).toBe('JFK');
    const segment = result.segments.find((s: any) => s.segmentId === journey.segmentIds[0]);
    expect(segment.departure.startsWith(date)).toBe(true);
    expect(segment.carrier).toBe('XB');
    expect(result.passengers).toEqual([{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'CHD' }]);
    const ptcs = result.offers[0].offerItems.map((item: any) => item.ptc).sort();
    expect(ptcs).toEqual(['ADT', 'CHD']);
  }, 60_000);
});
