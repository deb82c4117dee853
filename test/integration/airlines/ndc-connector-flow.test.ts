import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirlineConnector, AirlineEntry } from '../../../src/airlines/airline-connector.ts';
import { createMemoryAirlineOrderLinks, createNdcConnector, createNdcSchemas, type NdcSchemas } from '../../../src/airlines/ndc/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createXsdEngine } from '../../../src/xsd/index.ts';
import { dayFromToday } from '../../support/ndc-doc.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * The NDC connector against a real NDC airline: another instance of this gateway, started in the
 * test with its own reference airline and payment service, spoken to in 21.3, 24.4 and 26.1.
 * Every command goes out as an RQ built by mappings/outbound/<version> (and checked against that
 * version's XSD), is answered by the gateway's own inbound mappings, and comes back as a result
 * checked against the airline contract.
 */

const logger = createLogger('silent');
let airline: RunningGateway;
let schemas: NdcSchemas;
const links = createMemoryAirlineOrderLinks();

function entry(url: string, version: NonNullable<AirlineEntry['version']>): AirlineEntry {
  return {
    designator: 'XB', name: 'Bravo Air', kind: 'ndc', url, version, headers: {},
    serves: { airports: [], routes: [] }, timeoutMs: 10_000, retries: 0, connections: 4,
    agency: { id: 'AGG1', name: 'Aggregator' },
    settlement: { cardNumber: '4111111111111111', expiry: '2030-12', holderName: 'AGGREGATOR LTD', cvv: '123' },
  };
}

beforeAll(async () => {
  airline = await startGateway({ AIRLINE_DESIGNATOR: 'XB' });
  schemas = createNdcSchemas({ engine: await createXsdEngine(airline.config.xsdEngine), schemaPath: airline.config.schemaPath, logger });
}, 120_000);

afterAll(async () => {
  schemas?.dispose();
  await airline?.close();
});


const PASSENGERS = [{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'CHD' }];

describe.each(['21.3', '24.4', '26.1'] as const)('NDC connector, %s airline', (version) => {
  let connector: AirlineConnector;
  beforeAll(() => {
    connector = createNdcConnector(entry(`${airline.url}/api/v1/ndc`, version), { logger, links, schemas, mappingsPath: airline.config.mappingsPath });
  });
  afterAll(() => connector?.close());
  const call = (command: string, payload: unknown) => connector.call(command, payload, { correlationId: `test-${version}-${command}-${Date.now()}` });

  async function shopOne(origin: string, destination: string, days: number): Promise<any> {
    const shopped = await call('offer.shop', { journeys: [{ origin, destination, date: dayFromToday(days) }], passengers: PASSENGERS, currency: 'EUR', maxOffers: 3 }) as any;
    return { shopped, offer: shopped.offers[0] };
  }

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

  it('prices an offer: OfferPriceRQ out, the one priced offer of the OfferPriceRS back', async () => {
    const { offer } = await shopOne('LHR', 'DXB', 35);
    const priced = await call('offer.price', { offerId: offer.offerId, offerItemIds: offer.offerItems.map((i: any) => i.offerItemId), passengers: PASSENGERS }) as any;
    expect(priced.offers).toHaveLength(1);
    expect(priced.offers[0].offerId).toBe(offer.offerId);
    expect(priced.offers[0].owner).toBe('XB');
    expect(priced.offers[0].totalPrice.total).toBe(offer.totalPrice.total);
    expect(priced.priceChanged).toBe(false);
    expect(priced.offers[0].offerItems.map((i: any) => i.offerItemId).sort()).toEqual(offer.offerItems.map((i: any) => i.offerItemId).sort());
  }, 60_000);

  it('holds, issues and cancels an order at the airline, keeping the airline\'s ids in the link store', async () => {
    const { offer } = await shopOne('LHR', 'SIN', 42);
    const orderId = `GW-${version}-${Date.now()}`;
    const flights = offer.offerItems.map((item: any, i: number) => ({ itemId: `${orderId}-I${i + 1}`, offerItemId: item.offerItemId }));
    const hold = await call('inventory.hold', { requestKey: `${orderId}:hold`, orderId, offerId: offer.offerId, passengers: PASSENGERS, flights }) as any;
    expect(hold.orderId).toBe(orderId);
    expect(hold.status).toBe('HELD');
    expect(hold.currency).toBe('EUR');
    expect(Date.parse(hold.expiresAt)).toBeGreaterThan(Date.now());
    expect(hold.items.map((i: any) => i.itemId).sort()).toEqual(flights.map((f: any) => f.itemId).sort());
    expect(hold.items.reduce((sum: number, i: any) => sum + i.price.total, 0)).toBeCloseTo(offer.totalPrice.total, 2);
    expect(hold.airlineOrder.owner).toBe('XB');
    expect(hold.airlineOrder.orderId).not.toBe(orderId);
    const link = await links.get(orderId);
    expect(link).toMatchObject({ gatewayOrderId: orderId, owner: 'XB', orderId: hold.airlineOrder.orderId });
    expect(Object.keys(link!.items).sort()).toEqual(flights.map((f: any) => f.itemId).sort());
    expect(link!.total).toEqual({ amount: offer.totalPrice.total, currency: 'EUR' });

    // Quotes (OrderReshopRQ): today's fares are the held ones; cancelling the unpaid hold gives back nothing.
    const repriced = await call('inventory.reprice', { orderId }) as any;
    expect(repriced).toMatchObject({ orderId, currency: 'EUR', priceChanged: false, previousTotal: offer.totalPrice.total, currentTotal: offer.totalPrice.total });
    const quote = await call('inventory.refund-quote', { orderId }) as any;
    expect(quote.orderId).toBe(orderId);
    expect(quote.items.map((i: any) => i.itemId).sort()).toEqual(flights.map((f: any) => f.itemId).sort());
    expect(quote.items.reduce((sum: number, i: any) => sum + i.total, 0)).toBeCloseTo(offer.totalPrice.total, 2);
    expect(quote.refundable).toBeCloseTo(quote.items.reduce((sum: number, i: any) => sum + i.refundable, 0), 2);
    expect(quote.penalty).toBeCloseTo(quote.items.reduce((sum: number, i: any) => sum + i.penalty, 0), 2);
    expect(quote.fareFamily.code).toBe(offer.fareFamily);

    // The ancillaries still on sale for the airline's order (ServiceListRQ by its OrderID).
    const services = await call('inventory.services', { orderId }) as any;
    expect(services.services.length).toBeGreaterThan(0);
    expect(services.segments.map((s: any) => s.segmentId).sort()).toEqual([...hold.items[0].segmentIds].sort());

    const seatMaps = await call('inventory.seats', { orderId }) as any;
    expect(seatMaps.seatMaps.map((m: any) => m.segmentId).sort()).toEqual([...hold.items[0].segmentIds].sort());

    // Issue: the airline's order is paid with the settlement card; one e-ticket per passenger.
    const issueRequest = { orderId, requestKey: `${orderId}:issue` };
    const issued = await call('inventory.issue', issueRequest) as any;
    expect(issued.orderId).toBe(orderId);
    expect(issued.issued.sort()).toEqual(flights.map((f: any) => f.itemId).sort());
    expect(issued.documents.map((d: any) => d.paxId).sort()).toEqual(['PAX1', 'PAX2']);
    for (const document of issued.documents) {
      expect(document.type).toBe('ET');
      expect(document.number).toMatch(/^\d{13}$/);
      expect(document.itemIds.length).toBeGreaterThan(0);
      for (const id of document.itemIds) expect(Object.keys(link!.items)).toContain(id);
    }
    // The same requestKey again is a replay at the airline: the same tickets, nothing paid twice.
    const again = await call('inventory.issue', issueRequest) as any;
    expect(again.documents.map((d: any) => d.number).sort()).toEqual(issued.documents.map((d: any) => d.number).sort());

    // Once paid, a cancellation quote gives back what the fare family allows, item by item.
    const paidQuote = await call('inventory.refund-quote', { orderId, itemIds: [flights[0].itemId] }) as any;
    expect(paidQuote.items.map((i: any) => i.itemId)).toContain(flights[0].itemId);
    for (const item of paidQuote.items) expect(item.refundable + item.penalty).toBeCloseTo(item.total, 2);

    // Cancel: the airline cancels its order and voids the tickets.
    const cancelled = await call('inventory.cancel', { orderId, requestKey: `${orderId}:cancel` }) as any;
    expect(cancelled.orderId).toBe(orderId);
    expect(cancelled.cancelled.sort()).toEqual(flights.map((f: any) => f.itemId).sort());
    expect(cancelled.voidedDocuments.map((d: any) => d.number).sort()).toEqual(issued.documents.map((d: any) => d.number).sort());
    expect(cancelled.voidedDocuments.every((d: any) => d.status === 'VOIDED')).toBe(true);
  }, 90_000);

  it('releases a hold: the airline cancels the unpaid order', async () => {
    const { offer } = await shopOne('LHR', 'HKG', 44);
    const orderId = `GW-${version}-${Date.now()}-R`;
    const flights = offer.offerItems.map((item: any, i: number) => ({ itemId: `${orderId}-I${i + 1}`, offerItemId: item.offerItemId }));
    await call('inventory.hold', { requestKey: `${orderId}:hold`, orderId, offerId: offer.offerId, passengers: PASSENGERS, flights });
    const released = await call('inventory.release', { orderId, requestKey: `${orderId}:hold` }) as any;
    expect(released.orderId).toBe(orderId);
    expect(released.released.sort()).toEqual(flights.map((f: any) => f.itemId).sort());
  }, 60_000);

  it('lists the services of an offer, warning that 21.3 cannot narrow them to some flights', async () => {
    const { offer, shopped } = await shopOne('LHR', 'JFK', 33);
    const firstSegment = shopped.journeys.find((j: any) => j.journeyId === offer.journeyIds[0]).segmentIds[0];
    const listed = await call('service.list', { offerId: offer.offerId, passengers: PASSENGERS, segmentIds: [firstSegment] }) as any;
    expect(listed.owner).toBe('XB');
    expect(listed.services.length).toBeGreaterThan(0);
    const segmentIds = listed.segments.map((s: any) => s.segmentId);
    expect(segmentIds).toContain(firstSegment);
    for (const service of listed.services) {
      expect(['BAGGAGE', 'MEAL', 'SEAT', 'LOUNGE']).toContain(service.type);
      expect(service.price.currency).toBe(listed.currency);
      for (const id of service.segmentIds) expect(segmentIds).toContain(id);
      for (const id of service.paxIds) expect(['PAX1', 'PAX2']).toContain(id);
    }
    expect(listed.warnings).toEqual([expect.objectContaining({ code: 'FIELD_NOT_TRANSLATED', owner: 'XB' })]);
    // Without segmentIds there is nothing to warn about.
    const plain = await call('service.list', { offerId: offer.offerId, passengers: PASSENGERS }) as any;
    expect(plain.warnings).toBeUndefined();
  }, 60_000);

  it('shows the seat maps of an offer\'s flights, paid seats priced by their offer items', async () => {
    const { offer, shopped } = await shopOne('LHR', 'DXB', 37);
    const seats = await call('seat.availability', { offerId: offer.offerId, passengers: PASSENGERS }) as any;
    const offerSegments = shopped.journeys.filter((j: any) => offer.journeyIds.includes(j.journeyId)).flatMap((j: any) => j.segmentIds);
    expect(seats.seatMaps.map((m: any) => m.segmentId).sort()).toEqual([...offerSegments].sort());
    const all = seats.seatMaps.flatMap((m: any) => m.cabins.flatMap((c: any) => c.rows.flatMap((r: any) => r.seats)));
    expect(all.some((seat: any) => seat.available)).toBe(true);
    for (const seat of all.filter((s: any) => s.offerItemId)) {
      const item = seats.offerItems.find((i: any) => i.offerItemId === seat.offerItemId);
      expect(seat.price).toEqual(item.price);
    }
    expect(seats.warnings).toBeUndefined();
  }, 60_000);

  it('refuses a command the version does not map, naming the airline', async () => {
    await expect(call('inventory.availability', { orderId: 'X' })).rejects.toMatchObject({ code: 'UNPROCESSABLE_REQUEST', message: expect.stringContaining('Airline XB') });
  });

  it('turns an airline Error into the gateway error of its code: an unknown offer is OFFER_NOT_FOUND', async () => {
    await expect(call('offer.price', { offerId: 'NO-SUCH-OFFER', offerItemIds: ['NO-SUCH-ITEM'], passengers: PASSENGERS }))
      .rejects.toMatchObject({ code: 'OFFER_NOT_FOUND', message: expect.stringContaining('Airline XB') });
  });
});
