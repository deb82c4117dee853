import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirlineConnector, AirlineEntry } from '../../../src/airlines/airline-connector.ts';
import { createMemoryAirlineOrderLinks, createNdcConnector, createNdcSchemas, type NdcSchemas } from '../../../src/airlines/ndc/index.ts';
import { loadAirlineContract } from '../../../src/contracts/airline/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { applyMapping, loadOutboundMappings } from '../../../src/mapping/index.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { createXsdEngine } from '../../../src/xsd/index.ts';
import { dayFromToday } from '../../support/ndc-doc.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * The NDC connector against a real NDC 17.2 airline: another instance of this gateway serving only
 * 17.2, started in the test with its own reference airline and payment service. Every command goes
 * out as a 17.2 RQ built by mappings/outbound/17.2, is answered by the gateway's own 17.2 inbound
 * mappings, and comes back as a result checked against the airline contract: shop → price → hold
 * (an unpaid OrderCreateRQ) → issue (OrderChangeRQ paid with the settlement card) → cancel
 * (OrderCancelRQ), and the warning for a command field 17.2 cannot say.
 */

const logger = createLogger('silent');
let airline: RunningGateway;
let schemas: NdcSchemas;
let connector: AirlineConnector;
const links = createMemoryAirlineOrderLinks();

function entry(url: string, extra: Partial<AirlineEntry> = {}): AirlineEntry {
  return {
    designator: 'XA', name: 'Alpha Air', kind: 'ndc', url, version: '17.2', headers: {},
    serves: { airports: [], routes: [] }, timeoutMs: 10_000, retries: 0, connections: 4,
    agency: { id: 'AGG1', name: 'Aggregator' },
    settlement: { cardNumber: '4111111111111111', expiry: '2030-12', holderName: 'AGGREGATOR LTD', cvv: '123' },
    ...extra,
  };
}

beforeAll(async () => {
  airline = await startGateway({ NDC_VERSIONS: '17.2', NDC_DEFAULT_VERSION: '17.2', AIRLINE_DESIGNATOR: 'XA' });
  schemas = createNdcSchemas({ engine: await createXsdEngine(airline.config.xsdEngine), schemaPath: airline.config.schemaPath, logger });
  connector = createNdcConnector(entry(`${airline.url}/api/v1/ndc`), { logger, links, schemas, mappingsPath: airline.config.mappingsPath });
}, 120_000);

afterAll(async () => {
  await connector?.close();
  schemas?.dispose();
  await airline?.close();
});

const call = (command: string, payload: unknown): Promise<any> => connector.call(command, payload, { correlationId: `test-${command}-${Date.now()}` });

const PASSENGERS = [{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'CHD' }];

describe('NDC connector, 17.2 airline', () => {
  const date = dayFromToday(35);
  let shopped: any;

  it('shops: AirShoppingRQ out, the offers, journeys, segments and fare families of the AirShoppingRS back', async () => {
    shopped = await call('offer.shop', { journeys: [{ origin: 'CDG', destination: 'JFK', date }], passengers: PASSENGERS, currency: 'EUR', cabin: 'ECONOMY' });
    expect(shopped.currency).toBe('EUR');
    expect(shopped.warnings).toBeUndefined();
    expect(shopped.offers.length).toBeGreaterThan(0);
    const journeyIds = shopped.journeys.map((j: any) => j.journeyId);
    const segmentIds = shopped.segments.map((s: any) => s.segmentId);
    for (const offer of shopped.offers) {
      expect(offer.owner).toBe('XA');
      expect(offer.cabin).toBe('ECONOMY');
      expect(offer.totalPrice.currency).toBe('EUR');
      expect(offer.totalPrice.total).toBeCloseTo(offer.offerItems.reduce((sum: number, item: any) => sum + item.price.total, 0), 2);
      expect(offer.totalPrice.base + offer.totalPrice.taxes).toBeCloseTo(offer.totalPrice.total, 2);
      for (const id of offer.journeyIds) expect(journeyIds).toContain(id);
      expect(shopped.fareFamilies.map((f: any) => f.code)).toContain(offer.fareFamily);
      expect(offer.offerItems.map((item: any) => item.ptc).sort()).toEqual(['ADT', 'CHD']);
    }
    for (const journey of shopped.journeys) {
      expect(journey.origin).toBe('CDG');
      expect(journey.destination).toBe('JFK');
      for (const id of journey.segmentIds) expect(segmentIds).toContain(id);
    }
    expect(shopped.segments[0].departure.startsWith(date)).toBe(true);
    expect(shopped.segments.every((s: any) => s.carrier === 'XA')).toBe(true);
    expect(shopped.passengers).toEqual(PASSENGERS);
    // Fare conditions 17.2 says only by Penalty/@RefundableInd and remarks: economy has a flexible, a changeable and a light fare.
    const families = shopped.fareFamilies as any[];
    expect(families.some((f) => f.refundable && f.changeable)).toBe(true);
    expect(families.some((f) => !f.refundable && f.changeable)).toBe(true);
    expect(families.some((f) => !f.refundable && !f.changeable)).toBe(true);
    expect(families.some((f) => f.baggageAllowance.checkedBags > 0 && f.baggageAllowance.checkedBagMaxKg > 0)).toBe(true);
  }, 60_000);

  let offer: any;
  let priced: any;
  const orderId = `GW-${Date.now()}`;

  it('prices the offer: OfferPriceRQ with its items out, the PricedOffer back', async () => {
    offer = shopped.offers[0];
    priced = await call('offer.price', { owner: 'XA', offerId: offer.offerId, offerItemIds: offer.offerItems.map((i: any) => i.offerItemId), passengers: PASSENGERS, currency: 'EUR' });
    expect(priced.priceChanged).toBe(false);
    expect(priced.offers).toHaveLength(1);
    expect(priced.offers[0].offerId).toBe(offer.offerId);
    expect(priced.offers[0].totalPrice).toEqual(offer.totalPrice);
    expect(priced.offers[0].fareFamily).toBe(offer.fareFamily);
    expect(priced.fareFamilies.map((f: any) => f.code)).toContain(offer.fareFamily);
    expect(new Date(priced.offers[0].expiresAt).getTime()).toBeGreaterThan(Date.now());
  }, 60_000);

  it('holds: an OrderCreateRQ without payment makes an unpaid order at the airline, linked to the gateway order', async () => {
    const flights = offer.offerItems.map((item: any, n: number) => ({ itemId: `OI${n + 1}`, offerItemId: item.offerItemId }));
    const hold = await call('inventory.hold', { owner: 'XA', requestKey: `${orderId}:hold`, orderId, offerId: offer.offerId, passengers: PASSENGERS, flights });
    expect(hold).toMatchObject({ orderId, offerId: offer.offerId, status: 'HELD', currency: 'EUR', replayed: false });
    expect(hold.airlineOrder.owner).toBe('XA');
    expect(hold.airlineOrder.bookingReference).toMatch(/^[A-Z0-9]{6}$/);
    expect(new Date(hold.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(hold.items.map((i: any) => i.itemId).sort()).toEqual(flights.map((f: any) => f.itemId).sort());
    for (const item of hold.items) {
      const offerItem = offer.offerItems.find((i: any) => i.offerItemId === item.offerItemId);
      expect(item).toMatchObject({ kind: 'FLIGHT', status: 'HELD', paxIds: offerItem.paxIds, ptc: offerItem.ptc });
      expect(item.price).toEqual(offerItem.price);
      expect(item.segmentIds).toEqual(shopped.journeys.find((j: any) => j.journeyId === offer.journeyIds[0]).segmentIds);
    }
    // The airline's own order holds the seats, unpaid; the link names it for the later commands.
    const link = await links.get(orderId);
    expect(link).toMatchObject({ gatewayOrderId: orderId, owner: 'XA', orderId: hold.airlineOrder.orderId, bookingReference: hold.airlineOrder.bookingReference });
    expect(Object.keys(link!.items).sort()).toEqual(flights.map((f: any) => f.itemId).sort());
    // A re-sent hold (same requestKey) is a replay at the airline: the same order.
    const again = await call('inventory.hold', { owner: 'XA', requestKey: `${orderId}:hold`, orderId, offerId: offer.offerId, passengers: PASSENGERS, flights });
    expect(again.airlineOrder).toEqual(hold.airlineOrder);
  }, 60_000);

  it('lists services by offer (ServiceListRQ), and by the airline order the link names, with a warning for segmentIds', async () => {
    const byOffer = await call('service.list', { owner: 'XA', offerId: offer.offerId, passengers: PASSENGERS, currency: 'EUR' });
    expect(byOffer.owner).toBe('XA');
    expect(byOffer.warnings).toBeUndefined();
    expect(byOffer.services.length).toBeGreaterThan(0);
    const segmentIds = byOffer.segments.map((s: any) => s.segmentId);
    for (const service of byOffer.services) {
      expect(['BAGGAGE', 'MEAL', 'SEAT', 'LOUNGE']).toContain(service.type);
      expect(service.price.currency).toBe('EUR');
      for (const id of service.segmentIds) expect(segmentIds).toContain(id);
      for (const id of service.paxIds) expect(['PAX1', 'PAX2']).toContain(id);
    }
    expect(byOffer.services.map((s: any) => s.code)).toContain('XBAG');

    const byOrder = await call('inventory.services', { orderId, currency: 'EUR', segmentIds: [segmentIds[0]] });
    expect(byOrder.services.map((s: any) => s.code).sort()).toEqual(byOffer.services.map((s: any) => s.code).sort());
    expect(byOrder.offerId).not.toBe(byOffer.offerId);
    expect(byOrder.warnings).toEqual([expect.objectContaining({ code: 'FIELD_NOT_TRANSLATED', owner: 'XA', message: expect.stringContaining('every flight of the order') })]);
  }, 60_000);

  it('shows seat maps by offer (SeatAvailabilityRQ), and by the airline order the link names', async () => {
    const journey = shopped.journeys.find((j: any) => j.journeyId === offer.journeyIds[0]);
    const byOffer = await call('seat.availability', { owner: 'XA', offerId: offer.offerId, passengers: PASSENGERS, currency: 'EUR' });
    expect(byOffer.seatMaps.map((m: any) => m.segmentId)).toEqual(journey.segmentIds);
    const paid = new Map(byOffer.offerItems.map((i: any) => [i.offerItemId, i]));
    let seats = 0;
    for (const map of byOffer.seatMaps) {
      for (const cabin of map.cabins) {
        expect(cabin.cabin).toBe('ECONOMY');
        for (const row of cabin.rows) {
          expect(row.number).toBeGreaterThanOrEqual(cabin.firstRow);
          expect(row.number).toBeLessThanOrEqual(cabin.lastRow);
          for (const seat of row.seats) {
            seats += 1;
            expect(cabin.columns.map((c: any) => c.id)).toContain(seat.column);
            // A paid seat carries its band's offer item and that item's unit price.
            if (seat.offerItemId) expect(seat.price).toEqual((paid.get(seat.offerItemId) as any).price);
          }
        }
      }
    }
    expect(seats).toBeGreaterThan(0);
    expect(byOffer.offerItems.length).toBeGreaterThan(0);

    const byOrder = await call('inventory.seats', { orderId, currency: 'EUR' });
    expect(byOrder.seatMaps.map((m: any) => m.segmentId)).toEqual(journey.segmentIds);
    expect(byOrder.offerItems.map((i: any) => i.code).sort()).toEqual(byOffer.offerItems.map((i: any) => i.code).sort());
  }, 60_000);

  let hold: any;
  let issued: any;

  it('issues: an OrderChangeRQ pays the airline order with the settlement card, one ticket per passenger back', async () => {
    hold = await call('inventory.hold', { owner: 'XA', requestKey: `${orderId}:hold`, orderId, offerId: offer.offerId, passengers: PASSENGERS,
      flights: offer.offerItems.map((item: any, n: number) => ({ itemId: `OI${n + 1}`, offerItemId: item.offerItemId })) });
    issued = await call('inventory.issue', { orderId, requestKey: `${orderId}:issue` });
    expect(issued).toMatchObject({ orderId, replayed: false });
    expect([...issued.issued].sort()).toEqual(hold.items.map((i: any) => i.itemId).sort());
    expect(issued.documents).toHaveLength(PASSENGERS.length);
    for (const document of issued.documents) {
      expect(document).toMatchObject({ type: 'ET', status: 'ISSUED' });
      expect(document.number).toMatch(/^\d{13}$/);
      // Each ticket covers the flight items of its passenger, named by the gateway's ids.
      expect(document.itemIds).toEqual(hold.items.filter((i: any) => i.paxIds.includes(document.paxId)).map((i: any) => i.itemId));
    }
    expect(issued.documents.map((d: any) => d.paxId).sort()).toEqual(['PAX1', 'PAX2']);
    // A re-sent issue (same requestKey) is a replay at the airline: the same tickets, no second payment.
    const replayed = await call('inventory.issue', { orderId, requestKey: `${orderId}:issue` });
    expect(replayed.documents.map((d: any) => d.number)).toEqual(issued.documents.map((d: any) => d.number));
    // The airline was paid with the settlement card: its order has nothing left to pay, so another payment is refused.
    await expect(call('inventory.issue', { orderId, requestKey: `${orderId}:issue-again` })).rejects.toMatchObject({ code: 'INVALID_BUSINESS_DATA', message: expect.stringContaining('nothing to pay') });
  }, 60_000);

  it('quotes a cancellation and reprices (OrderReshopRQ Delete / Reprice) without changing the order', async () => {
    const quote = await call('inventory.refund-quote', { orderId });
    expect(quote.currency).toBe('EUR');
    expect(quote.items.map((i: any) => i.itemId).sort()).toEqual(hold.items.map((i: any) => i.itemId).sort());
    const family = shopped.fareFamilies.find((f: any) => f.code === offer.fareFamily);
    expect(quote.fareFamily.refundable).toBe(family.refundable);
    for (const line of quote.items) {
      const held = hold.items.find((i: any) => i.itemId === line.itemId);
      expect(line.total).toBe(held.price.total);
      expect(line.refundable).toBeCloseTo(line.total - line.penalty, 2);
      // The airline's fare rules: a non-refundable fare keeps the base fare and gives the taxes back.
      if (!family.refundable) expect(line.refundable).toBeCloseTo(held.price.taxes, 2);
    }
    expect(quote.penalty).toBeCloseTo(quote.items.reduce((sum: number, i: any) => sum + i.penalty, 0), 2);
    expect(quote.refundable).toBeCloseTo(quote.items.reduce((sum: number, i: any) => sum + i.refundable, 0), 2);
    const one = await call('inventory.refund-quote', { orderId, itemIds: [hold.items[0].itemId] });
    expect(one.items).toEqual([quote.items[0]]);

    const repriced = await call('inventory.reprice', { orderId });
    expect(repriced).toMatchObject({ orderId, currency: 'EUR', priceChanged: false, items: [] });
    expect(repriced.currentTotal).toBe(repriced.previousTotal);
    expect(repriced.previousTotal).toBeCloseTo(offer.totalPrice.total, 2);
  }, 60_000);

  it('cancels: an OrderChangeRQ deleting the airline items, the tickets voided', async () => {
    const cancelled = await call('inventory.cancel', { orderId, requestKey: `${orderId}:cancel` });
    expect(cancelled).toMatchObject({ orderId, replayed: false });
    expect([...cancelled.cancelled].sort()).toEqual(hold.items.map((i: any) => i.itemId).sort());
    expect(cancelled.voidedDocuments.map((d: any) => d.number).sort()).toEqual(issued.documents.map((d: any) => d.number).sort());
    for (const document of cancelled.voidedDocuments) expect(document.status).toBe('VOIDED');
    // The airline's order is gone: cancelling it again is the airline's business error, passed through.
    await expect(call('inventory.cancel', { orderId, requestKey: `${orderId}:cancel-again` })).rejects.toMatchObject({ code: 'ORDER_NOT_CHANGEABLE' });
  }, 60_000);

  it('releases an unpaid hold (OrderCancelRQ) and voids an issue (every item deleted, documents voided)', async () => {
    const held = `GW-R-${Date.now()}`;
    const flights = offer.offerItems.map((item: any, n: number) => ({ itemId: `OI${n + 1}`, offerItemId: item.offerItemId }));
    const fresh = await call('offer.price', { owner: 'XA', offerId: offer.offerId, offerItemIds: flights.map((f: any) => f.offerItemId), passengers: PASSENGERS });
    expect(fresh.offers[0].offerId).toBe(offer.offerId);
    await call('inventory.hold', { owner: 'XA', requestKey: `${held}:hold`, orderId: held, offerId: offer.offerId, passengers: PASSENGERS, flights });
    const released = await call('inventory.release', { orderId: held, requestKey: `${held}:hold` });
    expect(released.released.sort()).toEqual(flights.map((f: any) => f.itemId).sort());

    const paid = `GW-V-${Date.now()}`;
    await call('inventory.hold', { owner: 'XA', requestKey: `${paid}:hold`, orderId: paid, offerId: offer.offerId, passengers: PASSENGERS, flights });
    const tickets = await call('inventory.issue', { orderId: paid, requestKey: `${paid}:issue` });
    const voided = await call('inventory.void', { orderId: paid, issueRequestKey: `${paid}:issue` });
    expect(voided.restored).toEqual([]);
    expect(voided.voidedDocuments.map((d: any) => d.number).sort()).toEqual(tickets.documents.map((d: any) => d.number).sort());
  }, 60_000);

  it('refuses what 17.2 cannot send, before sending anything (UNPROCESSABLE_REQUEST): ancillaries in a hold, a price without offer items', async () => {
    const other = `GW-S-${Date.now()}`;
    await expect(call('inventory.hold', {
      owner: 'XA', requestKey: `${other}:hold`, orderId: other, offerId: offer.offerId, passengers: PASSENGERS,
      flights: [{ itemId: 'OI1', offerItemId: offer.offerItems[0].offerItemId }],
      services: [{ itemId: 'OI2', paxIds: ['PAX1'], offerId: 'ALC1', offerItemId: 'ALC1-1' }],
    })).rejects.toMatchObject({ code: 'UNPROCESSABLE_REQUEST', message: expect.stringContaining('Airline XA speaks NDC 17.2'), details: [expect.objectContaining({ path: '/services' })] });
    expect(await links.get(other)).toBeUndefined();
    await expect(call('inventory.hold', { owner: 'XA', requestKey: `${other}:add`, orderId: other, seats: [{ itemId: 'OI3', paxId: 'PAX1', segmentId: 'S1', row: 12, column: 'A' }] }))
      .rejects.toMatchObject({ code: 'UNPROCESSABLE_REQUEST', details: [expect.objectContaining({ path: '/offerId' })] });
    await expect(call('offer.price', { owner: 'XA', offerId: offer.offerId, passengers: PASSENGERS }))
      .rejects.toMatchObject({ code: 'UNPROCESSABLE_REQUEST', details: [expect.objectContaining({ path: '/offerItemIds' })] });
  }, 60_000);

  it("passes the airline's own errors through (17.2 Errors/Error/@Status), e.g. an unknown offer", async () => {
    await expect(call('offer.price', { owner: 'XA', offerId: 'SRNOSUCHOFFER-OF1', offerItemIds: ['SRNOSUCHOFFER-OF1-1'], passengers: PASSENGERS }))
      .rejects.toMatchObject({ code: 'OFFER_NOT_FOUND', message: expect.stringContaining('Airline XA') });
  }, 60_000);

  it('warns about command fields NDC 17.2 cannot say (FIELD_NOT_TRANSLATED), and still answers', async () => {
    const result = await call('offer.shop', {
      journeys: [{ origin: 'CDG', destination: 'JFK', date, cabin: 'BUSINESS' }], passengers: [{ id: 'PAX1', type: 'ADT' }], currency: 'EUR', maxOffers: 3,
    });
    expect(result.offers.length).toBeGreaterThan(0);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'FIELD_NOT_TRANSLATED', owner: 'XA', message: expect.stringContaining('cabin of each journey') }),
      expect.objectContaining({ code: 'FIELD_NOT_TRANSLATED', owner: 'XA', message: expect.stringContaining('number of offers') }),
    ]);
    // The journey's cabin was not sent, so the airline shopped its default cabin.
    expect(result.offers.every((o: any) => o.cabin === 'ECONOMY')).toBe(true);
  }, 60_000);

  it('reads a reprice whose price changed: each repriced item by the link, the totals added up', async () => {
    // The reference airline's fares do not move within a test, so the RS of a changed price is written here.
    const rs = `<OrderReshopRS xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2"><Document><ReferenceVersion>1.0</ReferenceVersion></Document><Success/>
      <Response><ReShoppingResponseID><ResponseID>ORD1-3</ResponseID></ReShoppingResponseID>
      <RepricedOffer OfferID="RPR-ORD1-3" Owner="XA">
        <RepricedOfferItem OfferItemID="RPR-AI1"><TotalPriceDetail><TotalAmount><SimpleCurrencyPrice Code="EUR">510.30</SimpleCurrencyPrice></TotalAmount></TotalPriceDetail>
          <OriginalOrderItem OrderItemID="AI1"><TotalPriceDetail><TotalAmount><SimpleCurrencyPrice Code="EUR">484.82</SimpleCurrencyPrice></TotalAmount></TotalPriceDetail></OriginalOrderItem></RepricedOfferItem>
        <RepricedOfferItem OfferItemID="RPR-AI2"><TotalPriceDetail><TotalAmount><SimpleCurrencyPrice Code="EUR">401.99</SimpleCurrencyPrice></TotalAmount></TotalPriceDetail>
          <OriginalOrderItem OrderItemID="AI2"><TotalPriceDetail><TotalAmount><SimpleCurrencyPrice Code="EUR">401.99</SimpleCurrencyPrice></TotalAmount></TotalPriceDetail></OriginalOrderItem></RepricedOfferItem>
      </RepricedOffer></Response></OrderReshopRS>`;
    expect(schemas.schema('17.2', 'OrderReshopRS').validate(rs, { maxErrors: 5 })).toEqual([]);
    const content = parseXml(rs, { model: schemas.model('17.2', 'OrderReshopRS') }).document;
    const outbound = await loadOutboundMappings({ mappingsPath: airline.config.mappingsPath, version: '17.2' });
    const link = { gatewayOrderId: 'G1', owner: 'XA', orderId: 'ORD1', items: { OI1: 'AI1', OI2: 'AI2' }, itemList: [{ itemId: 'OI1', airlineItemId: 'AI1' }, { itemId: 'OI2', airlineItemId: 'AI2' }] };
    const result = applyMapping(outbound.find('inventory.reprice')!.response, content, { ctx: { link, command: { orderId: 'G1' } } }) as any;
    expect(result).toMatchObject({ orderId: 'G1', currency: 'EUR', priceChanged: true, previousTotal: 886.81, currentTotal: 912.29 });
    expect(result.items.map((i: any) => [i.itemId, i.previous.total, i.current.total])).toEqual([['OI1', 484.82, 510.3], ['OI2', 401.99, 401.99]]);
    const validate = loadAirlineContract().result('inventory.reprice')!;
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
  });
});
