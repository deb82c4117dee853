import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_ENTRY } from '../../../src/auth/client-registry.ts';
import { deriveOrderId } from '../../../src/orchestration/index.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { asList, dayFromToday, type Doc } from '../../support/ndc-doc.ts';

/**
 * NDC 21.3 order lifecycle end to end through the HTTP app, the order orchestration, the reference
 * airline and the reference payment service: AirShoppingRQ → OfferPriceRQ → OrderCreateRQ paid
 * with a test card (tickets issued) → the same OrderCreateRQ again (the same order) →
 * OrderRetrieveRQ → SeatAvailabilityRQ and ServiceListRQ for its offer → OrderChangeRQ adding a
 * seat and a bag (EMDs) → OrderReshopRQ quoting the cancellation → OrderChangeRQ accepting it
 * (21.3 has no OrderCancelRQ); a hold booking paid later by OrderChangeRQ; and a declined card. Every answer is an OrderViewRS that
 * both our validator and xmllint accept.
 */

const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';
const APPROVED_CARD = '4111111111111111';
const SECOND_CARD = '5555555555554444';
const DECLINED_CARD = '4000000000000002';
const OUTBOUND = dayFromToday(40);
const INBOUND = dayFromToday(47);

const PAX = [
  { id: 'PAX1', ptc: 'ADT', given: 'Anna', surname: 'Muller', birthdate: '1985-04-12', gender: 'F' },
  { id: 'PAX2', ptc: 'CHD', given: 'Ben', surname: 'Muller', birthdate: '2017-09-01', gender: 'M' },
];

const CHAIN = `
  <DistributionChain>
    <c:DistributionChainLink>
      <c:Ordinal>1</c:Ordinal>
      <c:OrgRole>Seller</c:OrgRole>
      <c:ParticipatingOrg><c:Name>Harbour Travel</c:Name><c:OrgID>HARBOUR01</c:OrgID></c:ParticipatingOrg>
    </c:DistributionChainLink>
  </DistributionChain>`;

function message(root: string, body: string, messageId?: string): string {
  const payload = `\n  <PayloadAttributes>${messageId ? `<c:CorrelationID>${messageId}</c:CorrelationID>` : ''}<c:VersionNumber>21.3</c:VersionNumber></PayloadAttributes>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="${MESSAGE_NS}" xmlns:c="${TYPES_NS}">${CHAIN}${payload}
  <Request>${body}
  </Request>
</${root}>`;
}

function odCriteria(origin: string, destination: string, date: string): string {
  return `<c:OriginDestCriteria>
          <c:DestArrivalCriteria><c:IATA_LocationCode>${destination}</c:IATA_LocationCode></c:DestArrivalCriteria>
          <c:OriginDepCriteria><c:Date>${date}</c:Date><c:IATA_LocationCode>${origin}</c:IATA_LocationCode></c:OriginDepCriteria>
        </c:OriginDestCriteria>`;
}

function airShoppingRq(): string {
  return message('IATA_AirShoppingRQ', `
    <c:FlightRequest>
      <c:FlightRequestOriginDestinationsCriteria>
        ${odCriteria('LHR', 'FRA', OUTBOUND)}
        ${odCriteria('FRA', 'LHR', INBOUND)}
      </c:FlightRequestOriginDestinationsCriteria>
    </c:FlightRequest>
    <c:PaxList>${PAX.map((p) => `<c:Pax><c:PaxID>${p.id}</c:PaxID><c:PTC>${p.ptc}</c:PTC></c:Pax>`).join('')}</c:PaxList>`);
}

interface Selection {
  readonly offerId: string;
  readonly items: readonly { id: string; paxIds: readonly string[] }[];
}

function selectedItems(selection: Selection): string {
  return selection.items.map((item) =>
    `<c:SelectedOfferItem><c:OfferItemRefID>${item.id}</c:OfferItemRefID>${item.paxIds.map((p) => `<c:PaxRefID>${p}</c:PaxRefID>`).join('')}</c:SelectedOfferItem>`).join('');
}

function offerPriceRq(selection: Selection): string {
  return message('IATA_OfferPriceRQ', `
    <c:PricedOffer>
      <c:SelectedOfferList>
        <c:SelectedOffer><c:OfferRefID>${selection.offerId}</c:OfferRefID><c:OwnerCode>XR</c:OwnerCode>${selectedItems(selection)}</c:SelectedOffer>
      </c:SelectedOfferList>
    </c:PricedOffer>`);
}

function cardPayment(card: string, amount: string): string {
  return `
    <c:PaymentFunctions>
      <c:PaymentProcessingDetails>
        <c:Amount CurCode="EUR">${amount}</c:Amount>
        <c:PaymentMethod>
          <c:PaymentCard>
            <c:CardHolderName>ANNA MULLER</c:CardHolderName>
            <c:CardNumber>${card}</c:CardNumber>
            <c:CardSecurityCode>123</c:CardSecurityCode>
            <c:ExpirationDate>1235</c:ExpirationDate>
          </c:PaymentCard>
        </c:PaymentMethod>
      </c:PaymentProcessingDetails>
    </c:PaymentFunctions>`;
}

function orderCreateRq(selection: Selection, total: string, messageId: string, card?: string): string {
  const pax = PAX.map((p) => `
          <c:Pax>${p.id === 'PAX1' ? '<c:ContactInfoRefID>CTC1</c:ContactInfoRefID>' : ''}
            <c:Individual><c:Birthdate>${p.birthdate}</c:Birthdate><c:GenderCode>${p.gender}</c:GenderCode><c:GivenName>${p.given}</c:GivenName><c:Surname>${p.surname}</c:Surname></c:Individual>
            <c:PaxID>${p.id}</c:PaxID><c:PTC>${p.ptc}</c:PTC>
          </c:Pax>`).join('');
  return message('IATA_OrderCreateRQ', `
    <c:CreateOrder>
      <c:AcceptSelectedQuotedOfferList>
        <c:SelectedPricedOffer>
          <c:OfferRefID>${selection.offerId}</c:OfferRefID><c:OwnerCode>XR</c:OwnerCode>${selectedItems(selection)}
          <c:TotalOfferPriceAmount CurCode="EUR">${total}</c:TotalOfferPriceAmount>
        </c:SelectedPricedOffer>
      </c:AcceptSelectedQuotedOfferList>
    </c:CreateOrder>
    <c:DataLists>
      <c:ContactInfoList>
        <c:ContactInfo>
          <c:ContactInfoID>CTC1</c:ContactInfoID>
          <c:EmailAddress><c:EmailAddressText>anna.muller@example.com</c:EmailAddressText></c:EmailAddress>
          <c:Phone><c:CountryDialingCode>49</c:CountryDialingCode><c:PhoneNumber>1234567</c:PhoneNumber></c:Phone>
        </c:ContactInfo>
      </c:ContactInfoList>
      <c:PaxList>${pax}
      </c:PaxList>
    </c:DataLists>${card ? cardPayment(card, total) : ''}`, messageId);
}

function orderRetrieveRq(criteria: string): string {
  return message('IATA_OrderRetrieveRQ', `
    <c:OrderValidationFilterCriteria>${criteria}</c:OrderValidationFilterCriteria>`);
}

function orderRef(orderId: string, version?: string): string {
  return `
    <c:Order><c:OrderID>${orderId}</c:OrderID>${version ? `<c:OrderVersionNumber>${version}</c:OrderVersionNumber>` : ''}<c:OwnerCode>XR</c:OwnerCode></c:Order>`;
}

/** The seat map of the offer the order was made from (by order: order-ancillaries-flow.test.ts). */
function seatAvailabilityRq(offerId: string): string {
  return message('IATA_SeatAvailabilityRQ', `
    ${PAX.map((p) => `<c:Pax><c:PaxID>${p.id}</c:PaxID><c:PTC>${p.ptc}</c:PTC></c:Pax>`).join('')}
    <c:SeatAvailCoreRequest>
      <c:OfferRequest><c:Offer><c:OfferID>${offerId}</c:OfferID><c:OwnerCode>XR</c:OwnerCode></c:Offer></c:OfferRequest>
    </c:SeatAvailCoreRequest>`);
}

interface SeatChoice {
  readonly offerId: string;
  readonly offerItemId: string;
  readonly segmentId: string;
  readonly row: string;
  readonly column: string;
  readonly price: string;
}

function addSeatRq(orderId: string, version: string, seat: SeatChoice): string {
  return message('IATA_OrderChangeRQ', `
    <c:ChangeOrderChoice>
      <c:AcceptSelectedQuotedOfferList>
        <c:SelectedPricedOffer>
          <c:OfferRefID>${seat.offerId}</c:OfferRefID><c:OwnerCode>XR</c:OwnerCode>
          <c:SelectedOfferItem>
            <c:OfferItemRefID>${seat.offerItemId}</c:OfferItemRefID><c:PaxRefID>PAX1</c:PaxRefID>
            <c:SelectedALaCarteOfferItem>
              <c:OfferFlightAssociations><c:PaxSegmentReferences><c:PaxSegmentRefID>${seat.segmentId}</c:PaxSegmentRefID></c:PaxSegmentReferences></c:OfferFlightAssociations>
              <c:Qty>1</c:Qty>
            </c:SelectedALaCarteOfferItem>
            <c:SelectedSeat><c:ColumnID>${seat.column}</c:ColumnID><c:SeatRowNumber>${seat.row}</c:SeatRowNumber></c:SelectedSeat>
          </c:SelectedOfferItem>
        </c:SelectedPricedOffer>
      </c:AcceptSelectedQuotedOfferList>
    </c:ChangeOrderChoice>${orderRef(orderId, version)}`, `change-${randomUUID()}`);
}

function serviceListRq(offerId: string): string {
  return message('IATA_ServiceListRQ', `
    ${PAX.map((p) => `<c:Pax><c:PaxID>${p.id}</c:PaxID><c:PTC>${p.ptc}</c:PTC></c:Pax>`).join('')}
    <c:ServiceListCoreRequest>
      <c:OfferRequest><c:Offer><c:OfferID>${offerId}</c:OfferID><c:OwnerCode>XR</c:OwnerCode></c:Offer></c:OfferRequest>
    </c:ServiceListCoreRequest>`);
}

function addBagRq(orderId: string, offerId: string, offerItemId: string, segmentIds: readonly string[]): string {
  const refs = segmentIds.map((id) => `<c:PaxSegmentRefID>${id}</c:PaxSegmentRefID>`).join('');
  return message('IATA_OrderChangeRQ', `
    <c:ChangeOrderChoice>
      <c:AcceptSelectedQuotedOfferList>
        <c:SelectedPricedOffer>
          <c:OfferRefID>${offerId}</c:OfferRefID><c:OwnerCode>XR</c:OwnerCode>
          <c:SelectedOfferItem>
            <c:OfferItemRefID>${offerItemId}</c:OfferItemRefID><c:PaxRefID>PAX2</c:PaxRefID>
            <c:SelectedALaCarteOfferItem>
              <c:OfferFlightAssociations><c:PaxSegmentReferences>${refs}</c:PaxSegmentReferences></c:OfferFlightAssociations>
              <c:Qty>1</c:Qty>
            </c:SelectedALaCarteOfferItem>
          </c:SelectedOfferItem>
        </c:SelectedPricedOffer>
      </c:AcceptSelectedQuotedOfferList>
    </c:ChangeOrderChoice>${orderRef(orderId)}`, `bag-${randomUUID()}`);
}

function reshopCancelRq(orderId: string): string {
  return message('IATA_OrderReshopRQ', `
    <c:OrderRefID>${orderId}</c:OrderRefID>
    <c:UpdateOrder><c:CancelOrderRef><c:OrderRefID>${orderId}</c:OrderRefID></c:CancelOrderRef></c:UpdateOrder>`);
}

function cancelRq(orderId: string, offerId: string): string {
  return message('IATA_OrderChangeRQ', `
    <c:ChangeOrderChoice>
      <c:AcceptCancelledOffer><c:OfferID>${offerId}</c:OfferID><c:OwnerCode>XR</c:OwnerCode></c:AcceptCancelledOffer>
    </c:ChangeOrderChoice>${orderRef(orderId)}`, `cancel-${randomUUID()}`);
}

function payRq(orderId: string, card: string, amount: string): string {
  return message('IATA_OrderChangeRQ', `${orderRef(orderId)}${cardPayment(card, amount)}`, `pay-${randomUUID()}`);
}

const services = (order: Doc): Doc[] => asList<Doc>(order.OrderItem).flatMap((item) => asList<Doc>(item.Service));

describe('NDC 21.3 order lifecycle over HTTP', () => {
  let gw: RunningGateway;
  let url: string;

  async function send(xml: string, response = 'OrderViewRS'): Promise<{ status: number; text: string; doc: Doc }> {
    const answer = await postXml(url, xml);
    expectValidAnswer(gw, '21.3', response, answer.text);
    const parsed = parseXml(answer.text, { model: gw.gateway.deps.models.get('21.3', response) });
    expect(parsed.rootName).toBe(`IATA_${response}`);
    return { status: answer.status, text: answer.text, doc: parsed.document as Doc };
  }

  /** An order view that must have succeeded: its Order, and the whole answer. */
  async function order(xml: string): Promise<{ order: Doc; response: Doc; doc: Doc; text: string }> {
    const answer = await send(xml);
    expect(answer.doc.Error, answer.text.slice(0, 3000)).toBeUndefined();
    expect(answer.status).toBe(200);
    const response = answer.doc.Response as Doc;
    return { order: asList<Doc>(response.Order)[0] as Doc, response, doc: answer.doc, text: answer.text };
  }

  /** Shops the round trip and prices an ECOLIGHT offer (its seats are all sold, so a seat is an EMD). */
  async function shopAndPrice(): Promise<{ selection: Selection; total: string }> {
    const shop = await send(airShoppingRq(), 'AirShoppingRS');
    expect(shop.doc.Error, shop.text.slice(0, 2000)).toBeUndefined();
    const offers = asList<Doc>(asList<Doc>(shop.doc.Response.OffersGroup.CarrierOffers)[0]?.Offer);
    const offer = offers.find((o) => o.JourneyOverview?.PriceClassRefID === 'ECOLIGHT') ?? offers[0];
    expect(offer).toBeDefined();
    const selection: Selection = {
      offerId: offer!.OfferID,
      items: asList<Doc>(offer!.OfferItem).map((item) => ({ id: item.OfferItemID, paxIds: [...new Set(asList<Doc>(item.Service).flatMap((s) => asList<string>(s.PaxRefID)))] })),
    };
    const priced = await send(offerPriceRq(selection), 'OfferPriceRS');
    expect(priced.doc.Error, priced.text.slice(0, 2000)).toBeUndefined();
    return { selection, total: priced.doc.Response.PricedOffer.TotalPrice.TotalAmount['#text'] as string };
  }

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3' });
    url = `${gw.url}/api/v1/ndc`;
  });
  afterAll(async () => {
    await gw?.close();
  });

  describe('a paid order: created, replayed, retrieved, a seat added, cancelled', () => {
    let selection: Selection;
    let total: string;
    let createRq: string;
    let created: { order: Doc; response: Doc; doc: Doc; text: string };

    beforeAll(async () => {
      ({ selection, total } = await shopAndPrice());
      createRq = orderCreateRq(selection, total, `create-${randomUUID()}`, APPROVED_CARD);
      created = await order(createRq);
    });

    it('creates an open order, paid by the card and ticketed, with every service confirmed', () => {
      const { order: o, response, doc, text } = created;
      expect(o.OrderID).toMatch(/^\S+$/);
      expect(o.OwnerCode).toBe('XR');
      expect(o.StatusCode).toBe('OPENED');
      expect(o.TotalPrice.TotalAmount['#text']).toBe(total);
      const items = asList<Doc>(o.OrderItem);
      expect(items).toHaveLength(selection.items.length);
      for (const item of items) {
        expect(item.StatusCode).toBe('ACTIVE');
        expect(item.PaymentTimeLimitDateTime).toBeUndefined();
      }
      const all = services(o);
      expect(all.length).toBe(PAX.length * 2);
      for (const service of all) {
        expect(service.StatusCode).toBe('CONFIRMED');
        expect(service.DeliveryStatusCode).toBe('READY TO PROCEED');
        expect(service.OrderServiceAssociation.PaxSegmentRef.PaxSegmentRefID).toMatch(/^SEG-/);
        expect(asList<Doc>(service.BookingRef)[0]?.BookingID).toMatch(/^[A-Z0-9]{6}$/);
      }
      const tickets = asList<Doc>(response.TicketDocInfo);
      expect(tickets.map((t) => t.PaxRefID).sort()).toEqual(PAX.map((p) => p.id));
      for (const ticket of tickets) {
        const doc0 = asList<Doc>(ticket.Ticket)[0]!;
        expect(doc0.TicketDocTypeCode).toBe('T');
        expect(doc0.TicketNumber).toMatch(/^\d{13}$/);
        expect(asList<Doc>(doc0.Coupon).map((c) => c.CouponStatusCode)).toEqual(['I', 'I']);
      }
      const payments = asList<Doc>(doc.PaymentFunctions);
      expect(payments).toHaveLength(1);
      const summary = payments[0]!.PaymentProcessingSummary;
      expect(summary.Amount['#text']).toBe(total);
      expect(summary.PaymentStatusCode).toBe('SUCCESSFUL');
      expect(summary.PaymentProcessingSummaryPaymentMethod.PaymentCard.MaskedCardID).toBe('XXXXXXXXXXXX1111');
      expect(text).not.toContain(APPROVED_CARD);
      const paxList = asList<Doc>(response.DataLists.PaxList.Pax);
      expect(paxList.map((p) => [p.PaxID, p.Individual?.Surname])).toEqual(PAX.map((p) => [p.id, p.surname]));
      expect(paxList[0]?.ContactInfoRefID).toBe('CTC1');
      expect(asList<Doc>(response.DataLists.ContactInfoList.ContactInfo)[0]?.EmailAddress[0]?.EmailAddressText).toBe('anna.muller@example.com');
      expect(asList<Doc>(response.DataLists.PaxSegmentList.PaxSegment)).toHaveLength(2);
      expect(asList<Doc>(response.DataLists.PaxJourneyList.PaxJourney)).toHaveLength(2);
    });

    it('answers a repeat of the same OrderCreateRQ with the same order, charged once', async () => {
      const again = await order(createRq);
      expect(again.order.OrderID).toBe(created.order.OrderID);
      expect(again.order.OrderVersionNumber).toBe(created.order.OrderVersionNumber);
      expect(asList<Doc>(again.doc.PaymentFunctions)).toHaveLength(1);
      expect(asList<Doc>(again.response.TicketDocInfo).map((t) => asList<Doc>(t.Ticket)[0]?.TicketNumber))
        .toEqual(asList<Doc>(created.response.TicketDocInfo).map((t) => asList<Doc>(t.Ticket)[0]?.TicketNumber));
    });

    it('retrieves the order by OrderID and by booking reference', async () => {
      const orderId = created.order.OrderID as string;
      const bookingId = asList<Doc>(services(created.order)[0]?.BookingRef)[0]?.BookingID as string;
      const byId = await order(orderRetrieveRq(`<c:OrderFilterCriteria><c:OrderID>${orderId}</c:OrderID><c:OwnerCode>XR</c:OwnerCode></c:OrderFilterCriteria>`));
      expect(byId.order.OrderID).toBe(orderId);
      expect(byId.order.OrderVersionNumber).toBe(created.order.OrderVersionNumber);
      expect(services(byId.order).map((s) => s.ServiceID)).toEqual(services(created.order).map((s) => s.ServiceID));
      const byRef = await order(orderRetrieveRq(`<c:BookingRefFilterCriteria><c:BookingID>${bookingId}</c:BookingID></c:BookingRefFilterCriteria>`));
      expect(byRef.order.OrderID).toBe(orderId);
    });

    it('answers an unknown order with an ORDER_NOT_FOUND error', async () => {
      const answer = await send(orderRetrieveRq('<c:OrderFilterCriteria><c:OrderID>ORDNOSUCHORDER</c:OrderID><c:OwnerCode>XR</c:OwnerCode></c:OrderFilterCriteria>'));
      expect(answer.doc.Response).toBeUndefined();
      expect(asList<Doc>(answer.doc.Error).map((e) => e.TypeCode)).toContain('ORDER_NOT_FOUND');
    });

    it('adds a seat from the seat map of its offer: charged to the card on file, with an EMD', async () => {
      const orderId = created.order.OrderID as string;
      const seats = await send(seatAvailabilityRq(selection.offerId), 'SeatAvailabilityRS');
      expect(seats.doc.Error, seats.text.slice(0, 2000)).toBeUndefined();
      const offer = seats.doc.Response.ALaCarteOffer as Doc;
      const offerItems = new Map(asList<Doc>(offer.OfferItem).map((i) => [i.OfferItemID as string, i]));
      let seat: SeatChoice | undefined;
      for (const map of asList<Doc>(seats.doc.Response.SeatMap)) {
        for (const row of asList<Doc>(asList<Doc>(map.CabinCompartment)[0]?.SeatRow)) {
          const free = asList<Doc>(row.Seat).find((s) => s.OccupationStatusCode === 'F' && offerItems.has(asList<string>(s.OfferItemRefID)[0] ?? ''));
          if (free && !seat) {
            const offerItemId = asList<string>(free.OfferItemRefID)[0]!;
            seat = {
              offerId: offer.OfferID, offerItemId, segmentId: map.PaxSegmentRefID, row: row.RowNumber, column: free.ColumnID,
              price: offerItems.get(offerItemId)!.UnitPrice.TotalAmount['#text'],
            };
          }
        }
      }
      expect(seat, 'a free paid seat').toBeDefined();

      const changed = await order(addSeatRq(orderId, created.order.OrderVersionNumber, seat!));
      expect(Number(changed.order.OrderVersionNumber)).toBe(Number(created.order.OrderVersionNumber) + 1);
      const seatService = services(changed.order).find((s) => s.OrderServiceAssociation.SeatOnLeg);
      expect(seatService?.StatusCode).toBe('CONFIRMED');
      expect(seatService?.PaxRefID).toBe('PAX1');
      expect(seatService?.DeliveryStatusCode).toBe('READY TO PROCEED');
      expect(seatService?.OrderServiceAssociation.SeatOnLeg.Seat).toMatchObject({ ColumnID: seat!.column, RowNumber: seat!.row });
      expect(seatService?.OrderServiceAssociation.SeatOnLeg.SeatAssignmentAssociations.PaxSegmentRef.PaxSegmentRefID).toBe(seat!.segmentId);
      const emd = asList<Doc>(changed.response.TicketDocInfo).map((t) => asList<Doc>(t.Ticket)[0]!).find((t) => t.TicketDocTypeCode === 'J');
      expect(emd?.TicketNumber).toMatch(/^\d{13}$/);
      expect(asList<Doc>(emd?.Coupon)[0]?.ServiceRefID).toEqual([seatService?.ServiceID]);
      const payments = asList<Doc>(changed.doc.PaymentFunctions);
      expect(payments).toHaveLength(2);
      expect(payments[1]?.PaymentProcessingSummary.Amount['#text']).toBe(seat!.price);
      expect(Number(changed.order.TotalPrice.TotalAmount['#text'])).toBeCloseTo(Number(total) + Number(seat!.price), 2);
    });

    it('adds a checked bag from the service list of its offer, defined in the ServiceDefinitionList', async () => {
      const list = await send(serviceListRq(selection.offerId), 'ServiceListRS');
      expect(list.doc.Error, list.text.slice(0, 2000)).toBeUndefined();
      const offer = list.doc.Response.ALaCarteOffer as Doc;
      const definitions = new Map(asList<Doc>(list.doc.Response.DataLists.ServiceDefinitionList.ServiceDefinition).map((d) => [d.ServiceDefinitionID as string, d]));
      const bag = asList<Doc>(offer.OfferItem).find((item) => definitions.get(item.Service?.ServiceDefinitionRefID)?.ServiceCode === 'XBAG');
      expect(bag, 'an XBAG offer item').toBeDefined();
      const segmentIds = asList<string>(bag!.Eligibility?.OfferFlightAssociations?.PaxSegmentReferences?.PaxSegmentRefID);

      const changed = await order(addBagRq(created.order.OrderID as string, offer.OfferID, bag!.OfferItemID, segmentIds));
      const bagService = services(changed.order).find((s) => s.OrderServiceAssociation.ServiceDefinitionRef);
      expect(bagService).toMatchObject({ PaxRefID: 'PAX2', StatusCode: 'CONFIRMED', DeliveryStatusCode: 'READY TO PROCEED' });
      const definition = asList<Doc>(changed.response.DataLists.ServiceDefinitionList.ServiceDefinition)
        .find((d) => d.ServiceDefinitionID === bagService?.OrderServiceAssociation.ServiceDefinitionRef.ServiceDefinitionRefID);
      expect(definition).toMatchObject({ ServiceCode: 'XBAG', RFIC: 'C', OwnerCode: 'XR' });
      const emds = asList<Doc>(changed.response.TicketDocInfo).filter((t) => asList<Doc>(t.Ticket)[0]?.TicketDocTypeCode === 'J');
      expect(emds.map((t) => t.PaxRefID).sort()).toEqual(['PAX1', 'PAX2']);
      expect(asList<Doc>(changed.doc.PaymentFunctions)).toHaveLength(3);
    });

    it('cancels the order by OrderChangeRQ accepting the OrderReshopRS offer: everything cancelled, documents void, the refund told', async () => {
      const orderId = created.order.OrderID as string;
      const quote = await send(reshopCancelRq(orderId), 'OrderReshopRS');
      expect(quote.doc.Error, quote.text.slice(0, 2000)).toBeUndefined();
      const offer = asList<Doc>(quote.doc.Response.ReshopResults.ReshopOffers.Offer)[0]!;
      const refund = asList<Doc>(offer.DeleteOrderItem)
        .reduce((sum, item) => sum + Math.round(Number(item.PriceDifferential?.DiffPrice?.Price?.DueByAirlineAmount?.['#text'] ?? 0) * 100), 0) / 100;

      const cancelled = await order(cancelRq(orderId, offer.OfferID));
      expect(cancelled.order.StatusCode).toBe('CLOSED');
      for (const item of asList<Doc>(cancelled.order.OrderItem)) expect(item.StatusCode).toBe('CANCELLED');
      for (const service of services(cancelled.order)) {
        expect(service.StatusCode).toBe('CANCELLED');
        expect(service.DeliveryStatusCode).toBe('REMOVED');
      }
      for (const ticket of asList<Doc>(cancelled.response.TicketDocInfo)) {
        for (const coupon of asList<Doc>(asList<Doc>(ticket.Ticket)[0]?.Coupon)) expect(coupon.CouponStatusCode).toBe('V');
      }
      expect(cancelled.order.TotalPrice.TotalAmount['#text']).toBe('0.00');
      const warnings = asList<Doc>(cancelled.response.Warning);
      expect(warnings.map((w) => w.TypeCode)).toEqual(['REFUND']);
      expect(warnings[0]?.DescText).toContain(`Refunded ${refund} EUR`);
    });
  });

  it('holds an order without payment until its time limit, then pays it by OrderChangeRQ', async () => {
    const { selection, total } = await shopAndPrice();
    const held = await order(orderCreateRq(selection, total, `hold-${randomUUID()}`));
    expect(held.order.StatusCode).toBe('OPENED');
    expect(held.doc.PaymentFunctions).toBeUndefined();
    expect(held.response.TicketDocInfo).toBeUndefined();
    for (const item of asList<Doc>(held.order.OrderItem)) {
      expect(Date.parse(item.PaymentTimeLimitDateTime)).toBeGreaterThan(Date.now());
    }
    for (const service of services(held.order)) {
      expect(service.StatusCode).toBe('CONFIRMED');
      expect(service.DeliveryStatusCode).toBe('IN PROGRESS');
    }

    const paid = await order(payRq(held.order.OrderID, SECOND_CARD, total));
    expect(paid.order.OrderID).toBe(held.order.OrderID);
    for (const item of asList<Doc>(paid.order.OrderItem)) expect(item.PaymentTimeLimitDateTime).toBeUndefined();
    for (const service of services(paid.order)) expect(service.DeliveryStatusCode).toBe('READY TO PROCEED');
    expect(asList<Doc>(paid.response.TicketDocInfo)).toHaveLength(PAX.length);
    const summary = asList<Doc>(paid.doc.PaymentFunctions)[0]?.PaymentProcessingSummary;
    expect(summary?.Amount['#text']).toBe(total);
    expect(summary?.PaymentProcessingSummaryPaymentMethod.PaymentCard).toMatchObject({ CardBrandCode: 'CA', MaskedCardID: 'XXXXXXXXXXXX4444' });
  });

  it('answers a declined card with an OrderViewRS error PAYMENT_DECLINED, and makes no order', async () => {
    const { selection, total } = await shopAndPrice();
    const messageId = `declined-${randomUUID()}`;
    const answer = await send(orderCreateRq(selection, total, messageId, DECLINED_CARD));
    expect(answer.doc.Response).toBeUndefined();
    const errors = asList<Doc>(answer.doc.Error);
    expect(errors.map((e) => e.TypeCode)).toEqual(['PAYMENT_DECLINED']);
    expect(answer.text).not.toContain(DECLINED_CARD);
    // The order the request would have made (its id follows from client, sender and message id) does not exist.
    const orderId = deriveOrderId(DEMO_CLIENT_ENTRY.id, `${DEMO_CLIENT_ENTRY.id}:HARBOUR01:${messageId}`);
    const retrieved = await send(orderRetrieveRq(`<c:OrderFilterCriteria><c:OrderID>${orderId}</c:OrderID><c:OwnerCode>XR</c:OwnerCode></c:OrderFilterCriteria>`));
    expect(asList<Doc>(retrieved.doc.Error).map((e) => e.TypeCode)).toEqual(['ORDER_NOT_FOUND']);
  });
});
