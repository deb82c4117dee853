import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../../src/xml/index.ts';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { schemaFileOf } from '../../support/samples.ts';
import { xmllintText } from '../../support/xmllint.ts';
import { dayFromToday, type Doc } from '../../support/ndc-doc.ts';

/**
 * NDC 21.3 ServiceList and SeatAvailability end to end, and the same requests as 24.4 and 26.1.
 * The offer is shopped from the reference airline directly, so this flow does not depend on the
 * AirShopping mapping; hand-written requests naming it then go through the gateway.
 */

const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';
const PASSENGERS = [{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'ADT' }, { id: 'PAX3', type: 'CHD' }];

interface Price { base: number; taxes: number; total: number; currency: string }
interface Segment { segmentId: string; aircraft: string; origin: string; destination: string }
interface ShopResult {
  offers: { offerId: string; fareFamily: string; journeyIds: string[] }[];
  journeys: { journeyId: string; segmentIds: string[] }[];
  segments: Segment[];
}
interface ServiceListResult { services: { code: string; segmentIds: string[]; paxIds: string[]; price: Price }[] }
interface SeatResult {
  offerItems: { code: string; segmentIds: string[]; paxIds: string[]; price: Price }[];
  seatMaps: { segmentId: string; cabins: { rows: { number: number; seats: { column: string; available: boolean }[] }[] }[] }[];
}

const CHAIN = `
  <DistributionChain>
    <cns:DistributionChainLink>
      <cns:Ordinal>1</cns:Ordinal>
      <cns:OrgRole>Seller</cns:OrgRole>
      <cns:ParticipatingOrg><cns:Name>Skyway Travel</cns:Name><cns:OrgID>78212345</cns:OrgID></cns:ParticipatingOrg>
    </cns:DistributionChainLink>
  </DistributionChain>`;

const PAX = `
    <cns:Pax><cns:PaxID>PAX1</cns:PaxID><cns:PTC>ADT</cns:PTC></cns:Pax>
    <cns:Pax><cns:PaxID>PAX2</cns:PaxID><cns:PTC>ADT</cns:PTC></cns:Pax>
    <cns:Pax><cns:PaxID>PAX3</cns:PaxID><cns:PTC>CNN</cns:PTC></cns:Pax>`;

interface RequestOptions {
  /** Written as PayloadAttributes/VersionNumber when given. */
  readonly payloadVersion?: string;
  readonly currency?: string;
  readonly segmentIds?: readonly string[];
  readonly withPax?: boolean;
}

/** The content of Request for either message: passengers, currency and the core request. */
function requestBody(core: string, selection: string, options: RequestOptions): string {
  const payload = options.payloadVersion ? `\n  <PayloadAttributes><cns:VersionNumber>${options.payloadVersion}</cns:VersionNumber></PayloadAttributes>` : '';
  const currency = options.currency ? `\n    <cns:ResponseParameters><cns:CurParameter><cns:CurCode>${options.currency}</cns:CurCode></cns:CurParameter></cns:ResponseParameters>` : '';
  return `${CHAIN}${payload}
  <Request>${options.withPax === false ? '' : PAX}${currency}
    <cns:${core}>${selection}</cns:${core}>
  </Request>`;
}

function offerSelection(offerId: string, options: RequestOptions = {}): string {
  const refs = (options.segmentIds ?? []).map((id) => `<cns:PaxSegmentRefID>${id}</cns:PaxSegmentRefID>`).join('');
  const item = refs ? `<cns:OfferItem><cns:OfferItemID>${offerId}-1</cns:OfferItemID>${refs}</cns:OfferItem>` : '';
  return `<cns:OfferRequest><cns:Offer><cns:OfferID>${offerId}</cns:OfferID>${item}<cns:OwnerCode>XR</cns:OwnerCode></cns:Offer></cns:OfferRequest>`;
}

function orderSelection(orderId: string): string {
  return `<cns:OrderRequest><cns:Order><cns:OrderID>${orderId}</cns:OrderID><cns:OwnerCode>XR</cns:OwnerCode></cns:Order></cns:OrderRequest>`;
}

function message(root: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${MESSAGE_NS}" xmlns:cns="${TYPES_NS}">${body}\n</${root}>`;
}

function serviceListRq(selection: string, options: RequestOptions = {}): string {
  return message('IATA_ServiceListRQ', requestBody('ServiceListCoreRequest', selection, options));
}

function seatAvailabilityRq(selection: string, options: RequestOptions = {}): string {
  return message('IATA_SeatAvailabilityRQ', requestBody('SeatAvailCoreRequest', selection, options));
}

function list<T = Doc>(value: unknown): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value as T];
}

function amount(value: { '#text': string; '@CurCode': string }): { total: number; currency: string } {
  return { total: Number(value['#text']), currency: value['@CurCode'] };
}

describe('NDC 21.3 ServiceList and SeatAvailability through the gateway', () => {
  let gw: RunningGateway;
  let shop: ShopResult;
  let offerId: string;
  let offerSegments: Segment[];

  async function callAirline<T>(command: string, body: unknown): Promise<T> {
    const response = await fetch(`${gw.airlineUrl}/v1/${command}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status, command).toBe(200);
    return (await response.json()) as T;
  }

  /** Posts a request and checks what every answer must be: an RS of the version asked, valid for our validator and for xmllint. */
  async function send(xml: string, version: string, response: 'ServiceListRS' | 'SeatAvailabilityRS', headers: Record<string, string> = {}) {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, xml, headers);
    expect(answer.text).toContain(`<IATA_${response} `);
    expect(gw.gateway.deps.schemas.get(version, response).validate(answer.text), answer.text.slice(0, 2000)).toEqual([]);
    const lint = xmllintText(schemaFileOf(version, response), answer.text);
    expect(lint.valid, lint.output).toBe(true);
    const doc = parseXml(answer.text, { model: gw.gateway.deps.models.get(version, response) }).document as Doc;
    return { status: answer.status, text: answer.text, doc };
  }

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3,24.4,26.1' });
    shop = await callAirline<ShopResult>('offer.shop', {
      journeys: [
        { origin: 'LHR', destination: 'FRA', date: dayFromToday(45) },
        { origin: 'FRA', destination: 'LHR', date: dayFromToday(52) },
      ],
      passengers: PASSENGERS,
    });
    // ECOLIGHT sells every seat, so both the service list and the seat map have priced seats.
    const offer = shop.offers.find((o) => o.fareFamily === 'ECOLIGHT');
    expect(offer, 'an ECOLIGHT offer').toBeDefined();
    offerId = offer!.offerId;
    const segmentIds = offer!.journeyIds.flatMap((id) => shop.journeys.find((j) => j.journeyId === id)!.segmentIds);
    offerSegments = segmentIds.map((id) => shop.segments.find((s) => s.segmentId === id)!);
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('lists the services of the offer with their unit prices, as the airline prices them', async () => {
    const { status, doc } = await send(serviceListRq(offerSelection(offerId)), '21.3', 'ServiceListRS');
    expect(status).toBe(200);
    const expected = await callAirline<ServiceListResult>('service.list', { offerId, passengers: PASSENGERS, currency: 'EUR' });
    expect(expected.services.length).toBeGreaterThan(0);

    const offer = doc.Response.ALaCarteOffer;
    expect(offer.OwnerCode).toBe('XR');
    expect(offer.OfferID).toMatch(/^AL/);
    expect(Date.parse(offer.OfferExpirationTimeLimitDateTime)).toBeGreaterThan(Date.now());
    const definitions = new Map(list(doc.Response.DataLists.ServiceDefinitionList.ServiceDefinition).map((d) => [d.ServiceDefinitionID, d]));
    const items = list(offer.OfferItem);
    const got = items.map((item) => {
      const definition = definitions.get(item.Service.ServiceDefinitionRefID);
      expect(definition, item.Service.ServiceDefinitionRefID).toBeDefined();
      const price = amount(item.UnitPrice.TotalAmount);
      expect(price.currency).toBe('EUR');
      return {
        code: definition!.ServiceCode,
        segmentIds: item.Eligibility.OfferFlightAssociations.PaxSegmentReferences.PaxSegmentRefID,
        paxIds: item.Eligibility.PaxRefID,
        total: price.total,
      };
    });
    expect(got).toEqual(expected.services.map((s) => ({ code: s.code, segmentIds: s.segmentIds, paxIds: s.paxIds, total: s.price.total })));
    expect(got.every((s) => s.total > 0)).toBe(true);
    expect(got.map((s) => s.code)).toEqual(expect.arrayContaining(['XBAG', 'SEAT']));

    // Extra bags point at a baggage allowance; the data lists describe the passengers and flights referred to.
    const bag = [...definitions.values()].find((d) => d.ServiceCode === 'XBAG')!;
    const allowances = list(doc.Response.DataLists.BaggageAllowanceList.BaggageAllowance);
    const allowance = allowances.find((a) => a.BaggageAllowanceID === bag.ServiceDefinitionAssociation.BaggageAllowanceRef.BaggageAllowanceRefID[0]);
    expect(allowance).toMatchObject({ TypeCode: 'Checked', PieceAllowance: { TotalQty: '1' } });
    expect(list(doc.Response.DataLists.PaxList.Pax).map((p) => [p.PaxID, p.PTC])).toEqual(PASSENGERS.map((p) => [p.id, p.type]));
    expect(list(doc.Response.DataLists.PaxSegmentList.PaxSegment).map((s) => s.PaxSegmentID)).toEqual(offerSegments.map((s) => s.segmentId));
    const legs = list(doc.Response.DataLists.DatedOperatingLegList.DatedOperatingLeg);
    expect(legs.map((l) => [l.Dep.IATA_LocationCode, l.Arrival.IATA_LocationCode, l.IATA_AircraftType.IATA_AircraftTypeCode]))
      .toEqual(offerSegments.map((s) => [s.origin, s.destination, s.aircraft]));
  });

  it('narrows the list to the flights and currency asked for', async () => {
    const first = offerSegments[0]!.segmentId;
    const { status, doc } = await send(serviceListRq(offerSelection(offerId, { segmentIds: [first] }), { currency: 'GBP' }), '21.3', 'ServiceListRS');
    expect(status).toBe(200);
    const items = list(doc.Response.ALaCarteOffer.OfferItem);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.Eligibility.OfferFlightAssociations.PaxSegmentReferences.PaxSegmentRefID).toEqual([first]);
      expect(item.UnitPrice.TotalAmount['@CurCode']).toBe('GBP');
    }
    expect(list(doc.Response.DataLists.PaxSegmentList.PaxSegment).map((s) => s.PaxSegmentID)).toEqual([first]);
  });

  it('shows a seat map per flight of the offer, paid seats pointing at priced offer items', async () => {
    const { status, doc } = await send(seatAvailabilityRq(offerSelection(offerId)), '21.3', 'SeatAvailabilityRS');
    expect(status).toBe(200);
    const expected = await callAirline<SeatResult>('seat.availability', { offerId, passengers: PASSENGERS, currency: 'EUR' });

    const seatMaps = list(doc.Response.SeatMap);
    expect(seatMaps.map((m) => m.PaxSegmentRefID)).toEqual(offerSegments.map((s) => s.segmentId));
    const items = new Map(list(doc.Response.ALaCarteOffer.OfferItem).map((i) => [i.OfferItemID, i]));
    expect([...items.values()].map((i) => amount(i.UnitPrice.TotalAmount)))
      .toEqual(expected.offerItems.map((i) => ({ total: i.price.total, currency: 'EUR' })));

    seatMaps.forEach((map, index) => {
      const compartment = list(map.CabinCompartment)[0]!;
      expect(compartment.CabinType.CabinTypeCode).toBe('5');
      expect(list(compartment.SeatColumn).map((c) => c.ColumnID)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
      const rows = list(compartment.SeatRow);
      const wanted = expected.seatMaps[index]!.cabins[0]!.rows;
      expect(rows.map((r) => Number(r.RowNumber))).toEqual(wanted.map((r) => r.number));
      for (const [r, row] of rows.entries()) {
        for (const [s, seat] of list(row.Seat).entries()) {
          expect(seat.RowNumber).toBe(row.RowNumber);
          expect(seat.OccupationStatusCode).toBe(wanted[r]!.seats[s]!.available ? 'F' : 'O');
          // Every seat is sold in ECOLIGHT: each names an item of this segment's seat map.
          const item = items.get(seat.OfferItemRefID[0]);
          expect(item, `${row.RowNumber}${seat.ColumnID}`).toBeDefined();
          expect(item!.Eligibility.OfferFlightAssociations.PaxSegmentReferences.PaxSegmentRefID).toEqual([map.PaxSegmentRefID]);
        }
      }
      expect(rows.flatMap((r) => list(r.Seat)).some((seat) => seat.OccupationStatusCode === 'F')).toBe(true);
    });
  });

  it('answers an unknown offer with an OFFER_NOT_FOUND error in each message', async () => {
    const sl = await send(serviceListRq(offerSelection('SRNOSUCHOFFER-OF1')), '21.3', 'ServiceListRS');
    expect(sl.status).toBe(200);
    expect(list(sl.doc.Error)[0]).toMatchObject({ TypeCode: 'OFFER_NOT_FOUND', Code: '720' });
    const sa = await send(seatAvailabilityRq(offerSelection('SRNOSUCHOFFER-OF1')), '21.3', 'SeatAvailabilityRS');
    expect(sa.status).toBe(200);
    expect(list(sa.doc.Error)[0]).toMatchObject({ TypeCode: 'OFFER_NOT_FOUND' });
  });

  it('answers an order the client did not make with ORDER_NOT_FOUND (orders: order-ancillaries-flow.test.ts)', async () => {
    const { status, doc } = await send(seatAvailabilityRq(orderSelection('XR7KQ2M4'), { withPax: false }), '21.3', 'SeatAvailabilityRS');
    expect(status).toBe(200);
    expect(list(doc.Error)[0]).toMatchObject({ TypeCode: 'ORDER_NOT_FOUND' });
    expect(list(doc.Error)[0]!.DescText).toContain('XR7KQ2M4');
  });

  it('refuses a passenger the offer does not have', async () => {
    const stranger = PAX.replace('<cns:PaxID>PAX3</cns:PaxID>', '<cns:PaxID>PAX9</cns:PaxID>');
    const xml = serviceListRq(offerSelection(offerId)).replace(PAX, stranger);
    const { status, doc } = await send(xml, '21.3', 'ServiceListRS');
    expect(status).toBe(200);
    expect(list(doc.Error)[0]).toMatchObject({ TypeCode: 'INVALID_BUSINESS_DATA' });
  });

  it('refuses flights-only criteria, which name no offer or order, with the missing OfferID', async () => {
    const criteria = `<cns:PaxSegmentRequest><cns:PaxSegment>
      <cns:CabinTypeAssociationChoice><cns:SegmentCabinType><cns:CabinTypeCode>5</cns:CabinTypeCode></cns:SegmentCabinType></cns:CabinTypeAssociationChoice>
      <cns:DatedMarketingSegmentRefId>MKT1</cns:DatedMarketingSegmentRefId><cns:PaxSegmentID>SEG1</cns:PaxSegmentID>
    </cns:PaxSegment></cns:PaxSegmentRequest>`;
    const { status, doc } = await send(serviceListRq(criteria), '21.3', 'ServiceListRS');
    expect(status).toBe(200);
    expect(list(doc.Error)[0]).toMatchObject({ TypeCode: 'UNPROCESSABLE_REQUEST' });
    expect(list(doc.Error).map((e) => e.TagText)).toContain('/IATA_ServiceListRQ/Request/ServiceListCoreRequest/OfferRequest/Offer[1]/OfferID');
  });

  describe.each([
    { version: '24.4', how: 'NDC-Version header', options: {}, headers: { 'NDC-Version': '24.4' } },
    { version: '26.1', how: 'PayloadAttributes/VersionNumber', options: { payloadVersion: '26.1' }, headers: {} },
  ])('as $version ($how)', ({ version, options, headers }) => {
    it('lists services in a valid ServiceListRS of that version', async () => {
      const { status, doc, text } = await send(serviceListRq(offerSelection(offerId), options), version, 'ServiceListRS', headers);
      expect(status).toBe(200);
      expect(doc.PayloadAttributes.VersionNumber).toBe(version);
      expect(list(doc.Response.ALaCarteOffer.OfferItem).length).toBeGreaterThan(0);
      expect(text).not.toMatch(/<(?:\w+:)?Error\b/);
    });

    it('shows seat maps in a valid SeatAvailabilityRS of that version', async () => {
      const { status, doc } = await send(seatAvailabilityRq(offerSelection(offerId), options), version, 'SeatAvailabilityRS', headers);
      expect(status).toBe(200);
      expect(doc.PayloadAttributes.VersionNumber).toBe(version);
      const seatMaps = list(doc.Response.SeatMap);
      expect(seatMaps.map((m) => m.PaxSegmentRefID)).toEqual(offerSegments.map((s) => s.segmentId));
      const seat = list(list(list(seatMaps[0]!.CabinCompartment)[0]!.SeatRow)[0]!.Seat)[0]!;
      expect(seat.OfferItemRefID).toHaveLength(1);
      // 26.1 dropped Seat/RowNumber; the row number stays on SeatRow.
      expect(seat.RowNumber === undefined).toBe(version === '26.1');
    });

    it('answers an unknown offer with an error of that version', async () => {
      const { status, doc } = await send(seatAvailabilityRq(offerSelection('SRNOSUCHOFFER-OF1'), options), version, 'SeatAvailabilityRS', headers);
      expect(status).toBe(200);
      expect(list(doc.Error)[0]).toMatchObject({ TypeCode: 'OFFER_NOT_FOUND' });
    });
  });
});
