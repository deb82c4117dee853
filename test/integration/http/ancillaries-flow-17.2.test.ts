import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../../src/xml/index.ts';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { schemaFileOf } from '../../support/samples.ts';
import { xmllintText } from '../../support/xmllint.ts';
import { asList, attr, dayFromToday, refs, soap11, text, unwrapSoap11, type Doc } from '../../support/ndc-doc.ts';

/**
 * NDC 17.2 ServiceList and SeatAvailability end to end: an offer is shopped from the reference
 * airline directly (so this flow does not depend on the AirShopping mapping), then hand-written
 * 17.2 requests naming it go through the gateway, plain and in a SOAP 1.1 envelope.
 */

const PASSENGERS = [{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'ADT' }, { id: 'PAX3', type: 'CHD' }];

interface Price { base: number; taxes: number; total: number; currency: string }
interface ShopResult {
  shoppingResponseId: string;
  offers: { offerId: string; fareFamily: string; journeyIds: string[]; offerItems: { offerItemId: string }[] }[];
  journeys: { journeyId: string; segmentIds: string[] }[];
}
interface ServiceListResult { services: { code: string; segmentIds: string[]; paxIds: string[]; price: Price }[] }
interface SeatResult { offerItems: { code: string; segmentIds: string[]; paxIds: string[]; price: Price }[]; seatMaps: { segmentId: string }[] }

const HEADER = `
  <Document>
    <Name>SKYWAY TRAVEL NDC</Name>
    <ReferenceVersion>1.0</ReferenceVersion>
  </Document>
  <Party>
    <Sender>
      <TravelAgencySender>
        <Name>Skyway Travel Madrid</Name>
        <IATA_Number>78212345</IATA_Number>
        <AgencyID>SKYWAY-MAD</AgencyID>
      </TravelAgencySender>
    </Sender>
  </Party>`;

const PASSENGER_LIST = `
  <DataLists>
    <PassengerList>
      <Passenger PassengerID="PAX1"><PTC>ADT</PTC></Passenger>
      <Passenger PassengerID="PAX2"><PTC>ADT</PTC></Passenger>
      <Passenger PassengerID="PAX3"><PTC>CNN</PTC></Passenger>
    </PassengerList>
  </DataLists>`;

function parameters(currency: string | undefined): string {
  return currency ? `\n  <Parameters><Pricing><OverrideCurrency>${currency}</OverrideCurrency></Pricing></Parameters>` : '';
}

function serviceListRq(offerId: string, responseId: string, itemIds: string[], currency?: string): string {
  const items = itemIds.map((id) => `<OfferItemID Owner="XR">${id}</OfferItemID>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<ServiceListRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2">${HEADER}${parameters(currency)}
  <ShoppingResponseID><Owner>XR</Owner><ResponseID>${responseId}</ResponseID></ShoppingResponseID>
  <Query>
    <Offers>
      <Offer>
        <OfferID Owner="XR">${offerId}</OfferID>
        <OfferItemIDs>${items}</OfferItemIDs>
      </Offer>
    </Offers>
  </Query>${PASSENGER_LIST}
</ServiceListRQ>`;
}

function seatAvailabilityRq(offerId: string, responseId: string, options: { currency?: string; segmentIds?: string[] } = {}): string {
  const segments = (options.segmentIds ?? []).map((id) => `<SegmentID>${id}</SegmentID>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<SeatAvailabilityRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2">${HEADER}${parameters(options.currency)}
  <Query>
    <Offer OfferID="${offerId}" Owner="XR" ResponseID="${responseId}">${segments}</Offer>
  </Query>${PASSENGER_LIST}
</SeatAvailabilityRQ>`;
}

function seatAvailabilityByOrderRq(orderId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<SeatAvailabilityRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2">${HEADER}
  <Query>
    <Order OrderID="${orderId}" Owner="XR"/>
  </Query>
</SeatAvailabilityRQ>`;
}

/** `code|segments|currency total` for comparing what the gateway answered with what the airline offers. */
function priceKey(code: string, segmentIds: string[], price: { currency: string; total: string }): string {
  return `${code}|${segmentIds.join(' ')}|${price.currency} ${price.total}`;
}

describe('NDC 17.2 ServiceList and SeatAvailability through the gateway', () => {
  let gw: RunningGateway;
  let shop: ShopResult;
  let offer: ShopResult['offers'][number];
  let offerSegments: string[];

  async function airline<T>(command: string, body: unknown): Promise<T> {
    const response = await fetch(`${gw.airlineUrl}/v1/${command}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-correlation-id': `flow-${command}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  /** Posts, checks the answer is an XSD-valid RS (by the gateway's validator and by xmllint) and returns it parsed. */
  async function post(message: 'ServiceListRS' | 'SeatAvailabilityRS', body: string, soap = false): Promise<{ doc: Doc; xml: string; status: number }> {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, soap ? soap11(body) : body, soap ? { 'content-type': 'text/xml; charset=utf-8', SOAPAction: '""' } : {});
    if (soap) expect(answer.headers.get('content-type')).toMatch(/^text\/xml/);
    const xml = soap ? unwrapSoap11(answer.text) : answer.text;
    expect(xml).toMatch(new RegExp(`<${message}\\b`));
    expect(gw.gateway.deps.schemas.get('17.2', message).validate(xml), xml.slice(0, 3000)).toEqual([]);
    const lint = xmllintText(schemaFileOf('17.2', message), xml);
    expect(lint.valid, lint.output).toBe(true);
    const doc = parseXml(xml, { model: gw.gateway.deps.models.get('17.2', message) }).document as Doc;
    return { doc, xml, status: answer.status };
  }

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '17.2', NDC_DEFAULT_VERSION: '17.2' });
    shop = await airline<ShopResult>('offer.shop', {
      currency: 'EUR',
      journeys: [{ origin: 'MAD', destination: 'DXB', date: dayFromToday(45) }, { origin: 'DXB', destination: 'MAD', date: dayFromToday(52) }],
      passengers: PASSENGERS,
    });
    // Economy Light: seats and the seat service are paid, so prices come back for both messages.
    offer = shop.offers.find((o) => o.fareFamily === 'ECOLIGHT')!;
    expect(offer).toBeDefined();
    offerSegments = offer.journeyIds.flatMap((id) => shop.journeys.find((j) => j.journeyId === id)!.segmentIds);
  });

  afterAll(async () => {
    await gw?.close();
  });

  function checkServiceList(doc: Doc, expected: ServiceListResult, currency: string): void {
    expect(doc.Success).toBeDefined();
    expect(doc.Errors).toBeUndefined();
    const alaCarte = doc.ALaCarteOffer as Doc;
    expect(attr(alaCarte, 'Owner')).toBe('XR');
    expect(text(doc.ShoppingResponseID.ResponseID)).toBe(attr(alaCarte, 'OfferID'));

    const passengers = asList<Doc>(doc.DataLists.PassengerList.Passenger);
    expect(passengers.map((p) => [attr(p, 'PassengerID'), p.PTC])).toEqual([['PAX1', 'ADT'], ['PAX2', 'ADT'], ['PAX3', 'CHD']]);
    const segmentKeys = asList<Doc>(doc.DataLists.FlightSegmentList.FlightSegment).map((s) => attr(s, 'SegmentKey'));
    expect(segmentKeys).toEqual(offerSegments);

    const definitions = new Map(asList<Doc>(doc.DataLists.ServiceDefinitionList.ServiceDefinition).map((d) => [attr(d, 'ServiceDefinitionID'), d]));
    const items = asList<Doc>(alaCarte.ALaCarteOfferItem);
    expect(items.length).toBeGreaterThan(0);
    const answered = items.map((item) => {
      const definition = definitions.get(text(item.Service.ServiceDefinitionRef));
      expect(definition, 'every service has its definition').toBeDefined();
      expect(text(definition!.Name)).toMatch(/\S/);
      expect(text(asList<Doc>(definition!.Descriptions.Description)[0]!.Text)).toMatch(/\S/);
      expect(attr(item.Service, 'ServiceID')).toMatch(/\S/);
      for (const segment of refs(item.Eligibility.SegmentRefs)) expect(offerSegments).toContain(segment);
      for (const pax of refs(item.Eligibility.PassengerRefs)) expect(['PAX1', 'PAX2', 'PAX3']).toContain(pax);
      const price = item.UnitPriceDetail.TotalAmount.SimpleCurrencyPrice as Doc;
      expect(attr(price, 'Code')).toBe(currency);
      expect(Number(text(price))).toBeGreaterThan(0);
      return priceKey(text(definition!.Encoding.Code)!, refs(item.Eligibility.SegmentRefs), { currency: attr(price, 'Code')!, total: text(price)! });
    });
    // The same services at the same prices as the airline offers for this offer.
    const offered = expected.services.map((s) => priceKey(s.code, s.segmentIds, { currency: s.price.currency, total: s.price.total.toFixed(2) }));
    expect(answered.sort()).toEqual(offered.sort());
    expect(answered.some((key) => key.startsWith('XBAG|'))).toBe(true);
    expect(answered.some((key) => key.startsWith('SEAT|')), 'Economy Light sells seats as a service').toBe(true);
  }

  function checkSeatMaps(doc: Doc, expected: SeatResult, segments: string[], currency: string): void {
    expect(doc.Success).toBeDefined();
    expect(doc.Errors).toBeUndefined();
    const seatMaps = asList<Doc>(doc.SeatMap);
    expect(seatMaps.map((m) => text(m.SegmentRef)), 'one seat map per segment').toEqual(segments);
    expect(asList<Doc>(doc.DataLists.FlightSegmentList.FlightSegment).map((s) => attr(s, 'SegmentKey'))).toEqual(segments);
    // SegmentRef carries the airports of its flight segment.
    expect(seatMaps.map((m) => [attr(m.SegmentRef, 'OnPoint'), attr(m.SegmentRef, 'OffPoint')]))
      .toEqual(asList<Doc>(doc.DataLists.FlightSegmentList.FlightSegment).map((s) => [text(s.Departure.AirportCode), text(s.Arrival.AirportCode)]));

    const items = new Map(asList<Doc>(doc.ALaCarteOffer.ALaCarteOfferItem).map((i) => [attr(i, 'OfferItemID'), i]));
    expect(items.size).toBeGreaterThan(0);
    for (const map of seatMaps) {
      const cabin = asList<Doc>(map.Cabin)[0]!;
      expect(cabin.CabinType.Code).toBe('5');
      const columns = asList<Doc>(cabin.CabinLayout.Columns);
      expect(columns.map((c) => attr(c, 'Position'))).toContain('W');
      const rows = asList<Doc>(cabin.Row);
      expect(rows.length).toBeGreaterThan(5);
      const seats = rows.flatMap((r) => asList<Doc>(r.Seat));
      expect(seats.length).toBe(rows.length * columns.length);
      expect(new Set(seats.map((s) => s.SeatStatus))).toEqual(new Set(['F', 'O']));
      const paid = seats.filter((s) => s.OfferItemRefs !== undefined);
      expect(paid.length, 'Economy Light charges for every seat').toBe(seats.length);
      for (const seat of paid) {
        const item = items.get(text(seat.OfferItemRefs));
        expect(item, `seat ${seat.Column} refers to an offer item`).toBeDefined();
        expect(refs(item!.Eligibility.SegmentRefs)).toEqual([text(map.SegmentRef)]);
        expect(asList<string>(seat.SeatCharacteristics.Code)).toContain('CH');
      }
    }
    const answered = [...items.values()].map((item) => {
      const price = item.UnitPriceDetail.TotalAmount.SimpleCurrencyPrice as Doc;
      expect(attr(price, 'Code')).toBe(currency);
      expect(refs(item.Eligibility.PassengerRefs)).toEqual(['PAX1', 'PAX2', 'PAX3']);
      const definition = asList<Doc>(doc.DataLists.ServiceDefinitionList.ServiceDefinition).find((d) => attr(d, 'ServiceDefinitionID') === text(item.Service.ServiceDefinitionRef));
      return priceKey(text(definition!.Encoding.Code)!, refs(item.Eligibility.SegmentRefs), { currency: attr(price, 'Code')!, total: text(price)! });
    });
    const offered = expected.offerItems.map((i) => priceKey(i.code, i.segmentIds, { currency: i.price.currency, total: i.price.total.toFixed(2) }));
    expect(answered.sort()).toEqual(offered.sort());
    expect(expected.seatMaps.map((m) => m.segmentId)).toEqual(segments);
  }

  it('lists the services of a shopped offer, with their prices in the currency asked for', async () => {
    const itemIds = offer.offerItems.map((i) => i.offerItemId);
    const { doc, status } = await post('ServiceListRS', serviceListRq(offer.offerId, shop.shoppingResponseId, itemIds, 'GBP'));
    expect(status).toBe(200);
    const expected = await airline<ServiceListResult>('service.list', { offerId: offer.offerId, passengers: PASSENGERS, currency: 'GBP' });
    checkServiceList(doc, expected, 'GBP');
  });

  it('answers a ServiceListRQ in a SOAP 1.1 envelope in a SOAP 1.1 envelope, in the default currency', async () => {
    const { doc, status } = await post('ServiceListRS', serviceListRq(offer.offerId, shop.shoppingResponseId, [offer.offerItems[0]!.offerItemId]), true);
    expect(status).toBe(200);
    const expected = await airline<ServiceListResult>('service.list', { offerId: offer.offerId, passengers: PASSENGERS, currency: 'EUR' });
    checkServiceList(doc, expected, 'EUR');
  });

  it('shows one seat map per segment of the offer, paid seats pointing at priced offer items', async () => {
    const { doc, status } = await post('SeatAvailabilityRS', seatAvailabilityRq(offer.offerId, shop.shoppingResponseId));
    expect(status).toBe(200);
    const expected = await airline<SeatResult>('seat.availability', { offerId: offer.offerId, passengers: PASSENGERS, currency: 'EUR' });
    checkSeatMaps(doc, expected, offerSegments, 'EUR');
  });

  it('answers a SeatAvailabilityRQ in a SOAP 1.1 envelope in a SOAP 1.1 envelope, narrowed to the segment asked for', async () => {
    const segment = offerSegments[offerSegments.length - 1]!;
    const { doc, status } = await post('SeatAvailabilityRS', seatAvailabilityRq(offer.offerId, shop.shoppingResponseId, { currency: 'USD', segmentIds: [segment] }), true);
    expect(status).toBe(200);
    const expected = await airline<SeatResult>('seat.availability', { offerId: offer.offerId, segmentIds: [segment], passengers: PASSENGERS, currency: 'USD' });
    checkSeatMaps(doc, expected, [segment], 'USD');
  });

  it.each([
    ['ServiceListRS', () => serviceListRq('SRNOSUCHOFFER-OF1', 'SRNOSUCHOFFER', ['SRNOSUCHOFFER-OF1-1'])],
    ['SeatAvailabilityRS', () => seatAvailabilityRq('SRNOSUCHOFFER-OF1', 'SRNOSUCHOFFER')],
  ] as const)('answers an unknown OfferID with a valid %s carrying OFFER_NOT_FOUND', async (message, request) => {
    const { doc, status, xml } = await post(message, request());
    expect(status).toBe(200);
    expect(doc.Success).toBeUndefined();
    const errors = asList<Doc>(doc.Errors.Error);
    expect(errors.map((e) => attr(e, 'Status'))).toContain('OFFER_NOT_FOUND');
    expect(xml).toContain('SRNOSUCHOFFER-OF1');
  });

  it('answers a seat map request for an order the client did not make with a valid SeatAvailabilityRS carrying ORDER_NOT_FOUND', async () => {
    const { doc, status } = await post('SeatAvailabilityRS', seatAvailabilityByOrderRq('XR7K2M9QAB'));
    expect(status).toBe(200);
    const errors = asList<Doc>(doc.Errors.Error);
    expect(errors.map((e) => attr(e, 'Status'))).toEqual(['ORDER_NOT_FOUND']);
    expect(text(errors[0])).toContain('XR7K2M9QAB');
  });
});
