import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { asList, attr, dayFromToday, refs, text, type Doc } from '../../support/ndc-doc.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * Bags and seats added after booking: an agency books an order, then asks ServiceListRQ and
 * SeatAvailabilityRQ for the order (21.3 OrderRequest, 17.2 Query/OrderID and Query/Order), and
 * accepts items of the a-la-carte offer the answer carries with OrderChangeRQ. The order must be
 * the client's: another client's order is answered as unknown. Every answer is checked against
 * its XSD by the gateway's validator and by xmllint.
 */

const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';
const KEY_A = 'ancillaries-agency-a-7d41c9e2';
const KEY_B = 'ancillaries-agency-b-3f9a0b58';
const PASSENGERS = [{ id: 'PAX1', type: 'ADT', givenName: 'Ines', surname: 'Varga' }, { id: 'PAX2', type: 'CHD', givenName: 'Tomas', surname: 'Varga' }];

interface ShopResult {
  offers: { offerId: string; fareFamily: string; journeyIds: string[]; offerItems: { offerItemId: string }[] }[];
  journeys: { journeyId: string; segmentIds: string[] }[];
}

/** A seat of the seat map, and the a-la-carte offer item that sells it. */
type SeatChoice = Readonly<Record<'offerId' | 'offerItemId' | 'segmentId' | 'row' | 'column', string>>;

function message21(root: string, request: string, messageId?: string): string {
  const payload = messageId ? `\n  <PayloadAttributes><c:CorrelationID>${messageId}</c:CorrelationID><c:VersionNumber>21.3</c:VersionNumber></PayloadAttributes>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="${MESSAGE_NS}" xmlns:c="${TYPES_NS}">
  <DistributionChain>
    <c:DistributionChainLink>
      <c:Ordinal>1</c:Ordinal><c:OrgRole>Seller</c:OrgRole>
      <c:ParticipatingOrg><c:Name>Varga Reisen</c:Name><c:OrgID>VARGA01</c:OrgID></c:ParticipatingOrg>
    </c:DistributionChainLink>
  </DistributionChain>${payload}
  <Request>${request}
  </Request>
</${root}>`;
}

/** OrderRequest for the order; an OrderItem naming a segment narrows the answer to that flight. */
function orderRequest(orderId: string, segmentId?: string): string {
  const item = segmentId ? `<c:OrderItem><c:OrderItemID>OI1</c:OrderItemID><c:PaxSegmentRefID>${segmentId}</c:PaxSegmentRefID></c:OrderItem>` : '';
  return `<c:OrderRequest><c:Order><c:OrderID>${orderId}</c:OrderID>${item}<c:OwnerCode>XR</c:OwnerCode></c:Order></c:OrderRequest>`;
}

const serviceListRq = (orderId: string): string => message21('IATA_ServiceListRQ', `
    <c:ServiceListCoreRequest>${orderRequest(orderId)}</c:ServiceListCoreRequest>`);

const seatAvailabilityRq = (orderId: string, segmentId: string): string => message21('IATA_SeatAvailabilityRQ', `
    <c:SeatAvailCoreRequest>${orderRequest(orderId, segmentId)}</c:SeatAvailCoreRequest>`);

function selectedItem(offerId: string, offerItemId: string, paxId: string, segmentIds: readonly string[], seat = ''): string {
  return `
    <c:ChangeOrderChoice>
      <c:AcceptSelectedQuotedOfferList>
        <c:SelectedPricedOffer>
          <c:OfferRefID>${offerId}</c:OfferRefID><c:OwnerCode>XR</c:OwnerCode>
          <c:SelectedOfferItem>
            <c:OfferItemRefID>${offerItemId}</c:OfferItemRefID><c:PaxRefID>${paxId}</c:PaxRefID>
            <c:SelectedALaCarteOfferItem>
              <c:OfferFlightAssociations><c:PaxSegmentReferences>${segmentIds.map((id) => `<c:PaxSegmentRefID>${id}</c:PaxSegmentRefID>`).join('')}</c:PaxSegmentReferences></c:OfferFlightAssociations>
              <c:Qty>1</c:Qty>
            </c:SelectedALaCarteOfferItem>${seat}
          </c:SelectedOfferItem>
        </c:SelectedPricedOffer>
      </c:AcceptSelectedQuotedOfferList>
    </c:ChangeOrderChoice>`;
}

const orderRef = (orderId: string): string => `
    <c:Order><c:OrderID>${orderId}</c:OrderID><c:OwnerCode>XR</c:OwnerCode></c:Order>`;

const addBagRq = (orderId: string, offerId: string, offerItemId: string, segmentIds: readonly string[]): string =>
  message21('IATA_OrderChangeRQ', `${selectedItem(offerId, offerItemId, 'PAX2', segmentIds)}${orderRef(orderId)}`, `bag-${randomUUID()}`);

const addSeatRq = (orderId: string, seat: SeatChoice): string => message21('IATA_OrderChangeRQ',
  `${selectedItem(seat.offerId, seat.offerItemId, 'PAX1', [seat.segmentId], `
            <c:SelectedSeat><c:ColumnID>${seat.column}</c:ColumnID><c:SeatRowNumber>${seat.row}</c:SeatRowNumber></c:SelectedSeat>`)}${orderRef(orderId)}`,
  `seat-${randomUUID()}`);

const HEADER_172 = `
  <Document><Name>VARGA REISEN NDC</Name></Document>
  <Party><Sender><TravelAgencySender><Name>Varga Reisen</Name><IATA_Number>91281035</IATA_Number><AgencyID>VARGA01</AgencyID></TravelAgencySender></Sender></Party>`;

const serviceListRq172 = (orderId: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<ServiceListRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2">${HEADER_172}
  <Parameters><Pricing><OverrideCurrency>GBP</OverrideCurrency></Pricing></Parameters>
  <Query><OrderID Owner="XR">${orderId}</OrderID></Query>
</ServiceListRQ>`;

const seatAvailabilityRq172 = (orderId: string, segmentId: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<SeatAvailabilityRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2">${HEADER_172}
  <Query><Order OrderID="${orderId}" Owner="XR"><SegmentID>${segmentId}</SegmentID></Order></Query>
</SeatAvailabilityRQ>`;

const services = (order: Doc): Doc[] => asList<Doc>(order.OrderItem).flatMap((item) => asList<Doc>(item.Service));

describe('ServiceList and SeatAvailability for an order, to add bags and seats after booking', () => {
  let gw: RunningGateway;
  let folder: string;
  let orderId: string;
  let outbound: string;
  let orderSegments: string[];
  let takenSeat: SeatChoice;

  async function send(version: string, response: string, xml: string, key = KEY_A): Promise<{ status: number; doc: Doc; text: string }> {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, xml, { 'x-api-key': key });
    expectValidAnswer(gw, version, response, answer.text);
    const doc = parseXml(answer.text, { model: gw.gateway.deps.models.get(version, response) }).document as Doc;
    return { status: answer.status, doc, text: answer.text };
  }

  /** An OrderViewRS that must have succeeded: its order. */
  async function change(xml: string): Promise<{ order: Doc; response: Doc }> {
    const { doc, text: answer } = await send('21.3', 'OrderViewRS', xml);
    expect(doc.Error, answer.slice(0, 3000)).toBeUndefined();
    const response = doc.Response as Doc;
    return { order: asList<Doc>(response.Order)[0] as Doc, response };
  }

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'order-ancillaries-'));
    const clientsFile = join(folder, 'clients.json');
    writeFileSync(clientsFile, JSON.stringify([
      { id: 'agency-a', name: 'Agency A', apiKeys: [hashApiKey(KEY_A)], messages: ['*'] },
      { id: 'agency-b', name: 'Agency B', apiKeys: [hashApiKey(KEY_B)], messages: ['*'] },
    ]));
    gw = await startGateway({ NDC_VERSIONS: '21.3,17.2', CLIENTS_FILE: clientsFile });

    const shopped = await fetch(`${gw.airlineUrl}/v1/offer.shop`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        journeys: [{ origin: 'LHR', destination: 'FRA', date: dayFromToday(41) }, { origin: 'FRA', destination: 'LHR', date: dayFromToday(48) }],
        passengers: PASSENGERS.map((p) => ({ id: p.id, type: p.type })),
      }),
    });
    const shop = await shopped.json() as ShopResult;
    // Economy Light sells every seat, so the seat map has priced seats to add.
    const offer = shop.offers.find((o) => o.fareFamily === 'ECOLIGHT');
    expect(offer, 'an ECOLIGHT offer').toBeDefined();
    orderSegments = offer!.journeyIds.flatMap((id) => shop.journeys.find((j) => j.journeyId === id)!.segmentIds);
    outbound = orderSegments[0]!;

    const created = await fetch(`${gw.url}/api/v1/one-order/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY_A, 'idempotency-key': `ancillaries-${randomUUID()}` },
      body: JSON.stringify({
        offerId: offer!.offerId,
        offerItemIds: offer!.offerItems.map((i) => i.offerItemId),
        passengers: PASSENGERS.map((p) => ({ paxId: p.id, ptc: p.type, givenName: p.givenName, surname: p.surname })),
        payment: { card: { number: '4111111111111111', expiry: '12/30', cvv: '123', holderName: 'INES VARGA' } },
      }),
    });
    const body = await created.json() as { order: { orderId: string } };
    expect(created.status, JSON.stringify(body)).toBe(201);
    orderId = body.order.orderId;
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('lists the services still on sale for the order (21.3) and adds a bag from them with OrderChangeRQ', async () => {
    const { status, doc, text: answer } = await send('21.3', 'ServiceListRS', serviceListRq(orderId));
    expect(status).toBe(200);
    expect(doc.Error, answer.slice(0, 2000)).toBeUndefined();
    const response = doc.Response as Doc;
    expect(asList<Doc>(response.DataLists.PaxList.Pax).map((p) => [p.PaxID, p.PTC])).toEqual([['PAX1', 'ADT'], ['PAX2', 'CHD']]);
    expect(asList<Doc>(response.DataLists.PaxSegmentList.PaxSegment).map((s) => s.PaxSegmentID)).toEqual(orderSegments);
    const offer = response.ALaCarteOffer as Doc;
    const definitions = new Map(asList<Doc>(response.DataLists.ServiceDefinitionList.ServiceDefinition).map((d) => [d.ServiceDefinitionID as string, d]));
    const bag = asList<Doc>(offer.OfferItem).find((item) => definitions.get(item.Service?.ServiceDefinitionRefID)?.ServiceCode === 'XBAG');
    expect(bag, 'an XBAG offer item').toBeDefined();
    const segmentIds = asList<string>(bag!.Eligibility.OfferFlightAssociations.PaxSegmentReferences.PaxSegmentRefID);

    const { order, response: changed } = await change(addBagRq(orderId, offer.OfferID, bag!.OfferItemID, segmentIds));
    const bagService = services(order).find((s) => s.OrderServiceAssociation.ServiceDefinitionRef);
    expect(bagService).toMatchObject({ PaxRefID: 'PAX2', StatusCode: 'CONFIRMED', DeliveryStatusCode: 'READY TO PROCEED' });
    const definition = asList<Doc>(changed.DataLists.ServiceDefinitionList.ServiceDefinition)
      .find((d) => d.ServiceDefinitionID === bagService?.OrderServiceAssociation.ServiceDefinitionRef.ServiceDefinitionRefID);
    expect(definition).toMatchObject({ ServiceCode: 'XBAG' });
    // Paid with the card on file: an EMD for the bag.
    const emds = asList<Doc>(changed.TicketDocInfo).filter((t) => asList<Doc>(t.Ticket)[0]?.TicketDocTypeCode === 'J');
    expect(emds.map((t) => t.PaxRefID)).toContain('PAX2');
  });

  it('shows the seat map of one flight of the order (21.3), adds a paid seat from it, and then shows the seat taken', async () => {
    const seats = await send('21.3', 'SeatAvailabilityRS', seatAvailabilityRq(orderId, outbound));
    expect(seats.doc.Error, seats.text.slice(0, 2000)).toBeUndefined();
    const maps = asList<Doc>(seats.doc.Response.SeatMap);
    expect(maps.map((m) => m.PaxSegmentRefID)).toEqual([outbound]);
    const offer = seats.doc.Response.ALaCarteOffer as Doc;
    const priced = new Set(asList<Doc>(offer.OfferItem).map((i) => i.OfferItemID as string));
    const rows = asList<Doc>(asList<Doc>(maps[0]!.CabinCompartment)[0]!.SeatRow);
    const row = rows.find((r) => asList<Doc>(r.Seat).some((s) => s.OccupationStatusCode === 'F' && priced.has(asList<string>(s.OfferItemRefID)[0] ?? '')));
    const free = asList<Doc>(row?.Seat).find((s) => s.OccupationStatusCode === 'F' && priced.has(asList<string>(s.OfferItemRefID)[0] ?? ''));
    expect(free, 'a free paid seat').toBeDefined();
    takenSeat = { offerId: offer.OfferID, offerItemId: asList<string>(free!.OfferItemRefID)[0]!, segmentId: outbound, row: String(row!.RowNumber), column: String(free!.ColumnID) };

    const { order } = await change(addSeatRq(orderId, takenSeat));
    const seatService = services(order).find((s) => s.OrderServiceAssociation.SeatOnLeg);
    expect(seatService?.OrderServiceAssociation.SeatOnLeg.Seat).toMatchObject({ ColumnID: takenSeat.column, RowNumber: takenSeat.row });

    const again = await send('21.3', 'SeatAvailabilityRS', seatAvailabilityRq(orderId, outbound));
    const seat = asList<Doc>(asList<Doc>(asList<Doc>(again.doc.Response.SeatMap)[0]!.CabinCompartment)[0]!.SeatRow)
      .find((r) => String(r.RowNumber) === takenSeat.row)?.Seat;
    expect(asList<Doc>(seat).find((s) => s.ColumnID === takenSeat.column)?.OccupationStatusCode).toBe('O');
  });

  it('answers the same order in 17.2: the services by Query/OrderID, the seat map of a segment by Query/Order', async () => {
    const list = await send('17.2', 'ServiceListRS', serviceListRq172(orderId));
    expect(list.doc.Errors, list.text.slice(0, 2000)).toBeUndefined();
    const items = asList<Doc>(list.doc.ALaCarteOffer.ALaCarteOfferItem);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(attr(item.UnitPriceDetail.TotalAmount.SimpleCurrencyPrice, 'Code')).toBe('GBP');
      for (const segment of refs(item.Eligibility.SegmentRefs)) expect(orderSegments).toContain(segment);
    }
    expect(asList<Doc>(list.doc.DataLists.PassengerList.Passenger).map((p) => attr(p, 'PassengerID'))).toEqual(['PAX1', 'PAX2']);

    const seats = await send('17.2', 'SeatAvailabilityRS', seatAvailabilityRq172(orderId, outbound));
    expect(seats.doc.Errors, seats.text.slice(0, 2000)).toBeUndefined();
    const maps = asList<Doc>(seats.doc.SeatMap);
    expect(maps.map((m) => text(m.SegmentRef))).toEqual([outbound]);
    const row = asList<Doc>(asList<Doc>(maps[0]!.Cabin)[0]!.Row).find((r) => text(r.Number) === takenSeat.row);
    expect(asList<Doc>(row?.Seat).find((s) => text(s.Column) === takenSeat.column)?.SeatStatus).toBe('O');
  });

  it('answers another client\'s order, and an order nobody made, with ORDER_NOT_FOUND', async () => {
    const theirs = await send('21.3', 'ServiceListRS', serviceListRq(orderId), KEY_B);
    expect(theirs.status).toBe(200);
    expect(theirs.doc.Response).toBeUndefined();
    expect(asList<Doc>(theirs.doc.Error)[0]).toMatchObject({ TypeCode: 'ORDER_NOT_FOUND', Code: '730' });
    const seats = await send('21.3', 'SeatAvailabilityRS', seatAvailabilityRq(orderId, outbound), KEY_B);
    expect(asList<Doc>(seats.doc.Error)[0]).toMatchObject({ TypeCode: 'ORDER_NOT_FOUND' });
    const unknown = await send('17.2', 'ServiceListRS', serviceListRq172('ORDNOSUCHORDER000000'));
    expect(asList<Doc>(unknown.doc.Errors.Error).map((e) => attr(e, 'Status'))).toEqual(['ORDER_NOT_FOUND']);
  });
});
