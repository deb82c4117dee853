import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_ENTRY } from '../../../src/auth/client-registry.ts';
import { deriveOrderId } from '../../../src/orchestration/index.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { listSamples } from '../../support/samples.ts';
import { asList, attr, dayFromToday, refs, soap11, text, unwrapSoap11, type Doc } from '../../support/ndc-doc.ts';

/**
 * NDC 17.2 order lifecycle end to end through the HTTP app, the order orchestration, the reference
 * airline and the reference payment service: AirShoppingRQ → OfferPriceRQ → OrderCreateRQ paid with
 * a test card (ticketed) → the same OrderCreateRQ in a SOAP 1.1 envelope (the same order) →
 * OrderRetrieveRQ → OrderChangeRQ adding a bag (ServiceListRS) and a paid seat (SeatAvailabilityRS) →
 * OrderReshopRQ quoting the cancellation → OrderCancelRQ → OrderRetrieveRQ showing it cancelled; a hold
 * booking whose contact is changed and which is paid later; a declined card; and the shared 17.2
 * OrderCreateRQ / OrderRetrieveRQ samples. Every answer is checked by our validator and by xmllint.
 */

const NS = 'http://www.iata.org/IATA/EDIST/2017.2';
const SENDER = 'LINDEN-BER';
const APPROVED_CARD = '4111111111111111';
const SECOND_CARD = '5555555555554444';
const DECLINED_CARD = '4000000000000002';
const OUTBOUND = dayFromToday(40);
const INBOUND = dayFromToday(47);

const PAX = [
  { id: 'PAX1', ptc: 'ADT', given: 'Anna', surname: 'Muller', birthdate: '1985-04-12', gender: 'Female' },
  { id: 'PAX2', ptc: 'CHD', given: 'Ben', surname: 'Muller', birthdate: '2017-09-01', gender: 'Male' },
];

type Message = 'AirShoppingRS' | 'OfferPriceRS' | 'ServiceListRS' | 'SeatAvailabilityRS' | 'OrderViewRS' | 'OrderReshopRS' | 'OrderCancelRS';

const HEADER = `
  <Document>
    <Name>LINDEN REISEN NDC</Name>
    <ReferenceVersion>1.0</ReferenceVersion>
  </Document>
  <Party>
    <Sender>
      <TravelAgencySender>
        <Name>Linden Reisen Berlin</Name>
        <IATA_Number>23498761</IATA_Number>
        <AgencyID>${SENDER}</AgencyID>
      </TravelAgencySender>
    </Sender>
  </Party>`;

/** A 17.2 document; `echoToken` is the message id write messages are made idempotent by. */
function message(root: string, body: string, echoToken?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="${NS}" Version="17.2"${echoToken ? ` EchoToken="${echoToken}"` : ''}>${HEADER}${body}
</${root}>`;
}

const PASSENGER_LIST = `
    <PassengerList>${PAX.map((p) => `
      <Passenger PassengerID="${p.id}"><PTC>${p.ptc}</PTC></Passenger>`).join('')}
    </PassengerList>`;

function airShoppingRq(): string {
  return message('AirShoppingRQ', `
  <Parameters><CurrCodes><FiledInCurrency><CurrCode>EUR</CurrCode></FiledInCurrency></CurrCodes></Parameters>
  <CoreQuery>
    <OriginDestinations>
      <OriginDestination OriginDestinationKey="OD1">
        <Departure><AirportCode>LHR</AirportCode><Date>${OUTBOUND}</Date></Departure>
        <Arrival><AirportCode>FRA</AirportCode></Arrival>
      </OriginDestination>
      <OriginDestination OriginDestinationKey="OD2">
        <Departure><AirportCode>FRA</AirportCode><Date>${INBOUND}</Date></Departure>
        <Arrival><AirportCode>LHR</AirportCode></Arrival>
      </OriginDestination>
    </OriginDestinations>
  </CoreQuery>
  <DataLists>${PASSENGER_LIST}
  </DataLists>`);
}

interface Selection {
  readonly offerId: string;
  readonly responseId: string;
  readonly items: readonly { id: string; paxRefs: string }[];
}

function offerItems(selection: Selection): string {
  return selection.items.map((item) => `
        <OfferItem OfferItemID="${item.id}"><PassengerRefs>${item.paxRefs}</PassengerRefs></OfferItem>`).join('');
}

function offerPriceRq(selection: Selection): string {
  return message('OfferPriceRQ', `
  <Query>
    <Offer OfferID="${selection.offerId}" Owner="XR" ResponseID="${selection.responseId}">${offerItems(selection)}
    </Offer>
  </Query>
  <DataLists>${PASSENGER_LIST}
  </DataLists>`);
}

function cardPayment(card: string, amount: string, holder = 'ANNA MULLER'): string {
  return `
    <Payments>
      <Payment>
        <Type>CC</Type>
        <Method>
          <PaymentCard>
            <CardNumber>${card}</CardNumber>
            <SeriesCode>123</SeriesCode>
            <CardHolderName>${holder}</CardHolderName>
            <EffectiveExpireDate><Expiration>1235</Expiration></EffectiveExpireDate>
          </PaymentCard>
        </Method>
        <Amount Code="EUR">${amount}</Amount>
      </Payment>
    </Payments>`;
}

function orderCreateRq(selection: Selection, total: string, echoToken: string, card?: string): string {
  const passengers = PAX.map((p) => `
        <Passenger PassengerID="${p.id}">
          <PTC>${p.ptc}</PTC>
          <Individual><Birthdate>${p.birthdate}</Birthdate><Gender>${p.gender}</Gender><GivenName>${p.given}</GivenName><Surname>${p.surname}</Surname></Individual>${p.id === 'PAX1' ? `
          <ContactInfoRef>CTC1</ContactInfoRef>` : ''}
        </Passenger>`).join('');
  return message('OrderCreateRQ', `
  <Query>
    <Order>
      <Offer OfferID="${selection.offerId}" Owner="XR" ResponseID="${selection.responseId}">
        <TotalOfferPrice Code="EUR">${total}</TotalOfferPrice>${offerItems(selection)}
      </Offer>
    </Order>${card ? cardPayment(card, total) : ''}
    <DataLists>
      <PassengerList>${passengers}
      </PassengerList>
      <ContactList>
        <ContactInformation ContactID="CTC1">
          <ContactProvided><EmailAddress><EmailAddressValue>anna.muller@example.com</EmailAddressValue></EmailAddress></ContactProvided>
          <ContactProvided><Phone><CountryDialingCode>49</CountryDialingCode><PhoneNumber>1701234567</PhoneNumber></Phone></ContactProvided>
        </ContactInformation>
      </ContactList>
    </DataLists>
  </Query>`, echoToken);
}

function retrieveByIdRq(orderId: string): string {
  return message('OrderRetrieveRQ', `
  <Query><Filters><OrderID Owner="XR">${orderId}</OrderID></Filters></Query>`);
}

function retrieveByReferenceRq(bookingReference: string): string {
  return message('OrderRetrieveRQ', `
  <Query><Filters><BookingReferences><BookingReference><ID>${bookingReference}</ID><AirlineID>XR</AirlineID></BookingReference></BookingReferences></Filters></Query>`);
}

function serviceListRq(selection: Selection): string {
  return message('ServiceListRQ', `
  <ShoppingResponseID><Owner>XR</Owner><ResponseID>${selection.responseId}</ResponseID></ShoppingResponseID>
  <Query>
    <Offers>
      <Offer>
        <OfferID Owner="XR">${selection.offerId}</OfferID>
        <OfferItemIDs>${selection.items.map((i) => `<OfferItemID Owner="XR">${i.id}</OfferItemID>`).join('')}</OfferItemIDs>
      </Offer>
    </Offers>
  </Query>
  <DataLists>${PASSENGER_LIST}
  </DataLists>`);
}

function seatAvailabilityRq(selection: Selection): string {
  return message('SeatAvailabilityRQ', `
  <Query>
    <Offer OfferID="${selection.offerId}" Owner="XR" ResponseID="${selection.responseId}"/>
  </Query>
  <DataLists>${PASSENGER_LIST}
  </DataLists>`);
}

/** OrderChangeRQ accepting one item of an a-la-carte offer; `seat` makes it a seat selection. */
function acceptOfferRq(orderId: string, offerId: string, offerItemId: string, paxId: string, seat?: { segmentId: string; row: string; column: string }): string {
  const selection = seat
    ? `<ALaCarteSelection><Quantity>1</Quantity><SegmentID>${seat.segmentId}</SegmentID></ALaCarteSelection>
            <SeatSelection><Row>${seat.row}</Row><Column>${seat.column}</Column></SeatSelection>`
    : '<ALaCarteSelection><Quantity>1</Quantity></ALaCarteSelection>';
  return message('OrderChangeRQ', `
  <Query>
    <OrderID Owner="XR">${orderId}</OrderID>
    <OrderServicing>
      <AcceptOffer>
        <Offer OfferID="${offerId}" Owner="XR" ResponseID="${offerId}">
          <OfferItem OfferItemID="${offerItemId}">
            <PassengerRefs>${paxId}</PassengerRefs>
            ${selection}
          </OfferItem>
        </Offer>
      </AcceptOffer>
    </OrderServicing>
  </Query>`, `change-${randomUUID()}`);
}

function contactChangeRq(orderId: string, email: string): string {
  return message('OrderChangeRQ', `
  <Query>
    <OrderID Owner="XR">${orderId}</OrderID>
    <PassengerServicing>
      <New PassengerID="PAX1"><ContactInfoRef>CTC1</ContactInfoRef><ActionType>Update</ActionType></New>
    </PassengerServicing>
  </Query>
  <DataLists>
    <ContactList>
      <ContactInformation ContactID="CTC1">
        <ContactProvided><EmailAddress><Label>Work</Label><EmailAddressValue>${email}</EmailAddressValue></EmailAddress></ContactProvided>
      </ContactInformation>
    </ContactList>
  </DataLists>`, `contact-${randomUUID()}`);
}

function payRq(orderId: string, card: string, amount: string): string {
  return message('OrderChangeRQ', `
  <Query>
    <OrderID Owner="XR">${orderId}</OrderID>${cardPayment(card, amount, 'BEN MULLER')}
  </Query>`, `pay-${randomUUID()}`);
}

function reshopCancelRq(orderId: string, orderItemIds: readonly string[]): string {
  return message('OrderReshopRQ', `
  <Query>
    <OrderID>${orderId}</OrderID>
    <Reshop><OrderServicing><Delete>${orderItemIds.map((id) => `<OrderItem OrderItemID="${id}"/>`).join('')}</Delete></OrderServicing></Reshop>
  </Query>`);
}

function cancelRq(orderId: string): string {
  return message('OrderCancelRQ', `
  <Query><Order OrderID="${orderId}" Owner="XR"/></Query>`, `cancel-${randomUUID()}`);
}

/** An amount element in minor units, checking its currency. */
function cents(element: unknown): number {
  expect(attr(element as Doc, 'Code')).toBe('EUR');
  expect(text(element)).toMatch(/^\d+\.\d{2}$/);
  return Math.round(Number(text(element)) * 100);
}

const orderItemsOf = (order: Doc): Doc[] => asList<Doc>(order.OrderItems.OrderItem);
const servicesOf = (order: Doc): Doc[] => orderItemsOf(order).flatMap((item) => asList<Doc>(item.Service));
const ticketsOf = (response: Doc): Doc[] => asList<Doc>(response.TicketDocInfos?.TicketDocInfo);
const paymentsOf = (order: Doc): Doc[] => asList<Doc>(order.Payments?.Payment);
const errorCodes = (doc: Doc): string[] => asList<Doc>(doc.Errors?.Error).map((e) => attr(e, 'Status')!);

describe('NDC 17.2 order lifecycle over HTTP', () => {
  let gw: RunningGateway;

  /** Posts, checks the answer against the RS XSD with our validator and xmllint, and parses it. */
  async function send(body: string, response: Message, soap = false): Promise<{ status: number; xml: string; doc: Doc }> {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, soap ? soap11(body) : body, soap ? { 'content-type': 'text/xml; charset=utf-8', SOAPAction: '""' } : {});
    if (soap) expect(answer.headers.get('content-type')).toMatch(/^text\/xml/);
    const xml = soap ? unwrapSoap11(answer.text) : answer.text;
    expect(xml, answer.text.slice(0, 2000)).toMatch(new RegExp(`<${response}\\b`));
    expectValidAnswer(gw, '17.2', response, xml);
    const doc = parseXml(xml, { model: gw.gateway.deps.models.get('17.2', response) }).document as Doc;
    return { status: answer.status, xml, doc };
  }

  /** An answer that must have succeeded: its Response, and the whole document. */
  async function succeed(body: string, response: Message, soap = false): Promise<{ response: Doc; doc: Doc; xml: string }> {
    const answer = await send(body, response, soap);
    expect(answer.doc.Errors, answer.xml.slice(0, 3000)).toBeUndefined();
    expect(answer.doc.Success).toBeDefined();
    expect(answer.status).toBe(200);
    return { response: answer.doc.Response as Doc, doc: answer.doc, xml: answer.xml };
  }

  /** An OrderViewRS that must have succeeded: its one Order, its Response and the document. */
  async function view(body: string, soap = false): Promise<{ order: Doc; response: Doc; doc: Doc; xml: string }> {
    const answer = await succeed(body, 'OrderViewRS', soap);
    const orders = asList<Doc>(answer.response.Order);
    expect(orders).toHaveLength(1);
    return { ...answer, order: orders[0]! };
  }

  /** Shops the round trip and prices its ECOLIGHT offer (no free seat, no checked bag). */
  async function shopAndPrice(): Promise<{ selection: Selection; total: string }> {
    const { doc } = await succeed(airShoppingRq(), 'AirShoppingRS');
    const offers = asList<Doc>(doc.OffersGroup.AirlineOffers).flatMap((group) => asList<Doc>(group.Offer));
    const offer = offers.find((o) => text(o.FlightsOverview.ItineraryPriceClassRef) === 'PC-ECOLIGHT');
    expect(offer, 'an ECOLIGHT offer').toBeDefined();
    const selection: Selection = {
      offerId: attr(offer, 'OfferID')!,
      responseId: text(doc.ShoppingResponseID.ResponseID)!,
      items: asList<Doc>(offer!.OfferItem).map((item) => ({ id: attr(item, 'OfferItemID')!, paxRefs: refs(asList<Doc>(item.Service)[0]!.PassengerRefs).join(' ') })),
    };
    const priced = await succeed(offerPriceRq(selection), 'OfferPriceRS');
    return { selection, total: text(priced.doc.PricedOffer.TotalPrice.DetailCurrencyPrice.Total)! };
  }

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '17.2', NDC_DEFAULT_VERSION: '17.2' });
  });
  afterAll(async () => {
    await gw?.close();
  });

  describe('a paid order: created, replayed in SOAP, retrieved, a bag and a seat added, quoted, cancelled', () => {
    let selection: Selection;
    let total: string;
    let createRq: string;
    let created: { order: Doc; response: Doc; doc: Doc; xml: string };
    let latest: { order: Doc; response: Doc };

    beforeAll(async () => {
      ({ selection, total } = await shopAndPrice());
      createRq = orderCreateRq(selection, total, `create-${randomUUID()}`, APPROVED_CARD);
      created = await view(createRq);
      latest = created;
    });

    it('creates an open order, paid by the card and ticketed, with every service confirmed', () => {
      const { order, response, doc, xml } = created;
      expect(attr(order, 'OrderID')).toMatch(/^\S+$/);
      expect(attr(order, 'Owner')).toBe('XR');
      expect(text(asList<Doc>(order.BookingReferences.BookingReference)[0]!.ID)).toMatch(/^[A-Z0-9]{6}$/);
      expect(order.Status.StatusCode).toBe('OPN');
      expect(cents(order.TotalOrderPrice.DetailCurrencyPrice.Total)).toBe(Math.round(Number(total) * 100));
      expect(order.TimeLimits).toBeUndefined();
      expect(doc.Warnings).toBeUndefined();

      const segmentKeys = asList<Doc>(response.DataLists.FlightSegmentList.FlightSegment).map((s) => attr(s, 'SegmentKey'));
      expect(segmentKeys).toHaveLength(2);
      const items = orderItemsOf(order);
      expect(items).toHaveLength(selection.items.length);
      for (const item of items) expect(item.ItemStatus).toBe('HK');
      const services = servicesOf(order);
      expect(services).toHaveLength(PAX.length * 2);
      for (const service of services) {
        expect(attr(service, 'ServiceStatus')).toBe('HK');
        expect(PAX.map((p) => p.id)).toContain(service.PassengerRef);
        expect(segmentKeys).toContain(service.SegmentRef);
      }
      const tickets = ticketsOf(response);
      expect(tickets.map((t) => t.PassengerReference).sort()).toEqual(PAX.map((p) => p.id));
      for (const ticket of tickets) {
        const document = asList<Doc>(ticket.TicketDocument)[0]!;
        expect(document.Type).toBe('T');
        expect(document.TicketDocNbr).toMatch(/^\d{13}$/);
        expect(document.Remark).toBeUndefined();
      }
      const payments = paymentsOf(order);
      expect(payments).toHaveLength(1);
      expect(payments[0]!.Status.StatusCode).toBe('Complete');
      expect(text(payments[0]!.Amount.SimpleCurrencyPrice)).toBe(total);
      expect(payments[0]!.Method.PaymentCardMethod).toMatchObject({ CardCode: 'VI', MaskedCardNumber: '1111', CardHolderName: 'ANNA MULLER' });
      expect(xml).not.toContain(APPROVED_CARD);

      const passengers = asList<Doc>(response.DataLists.PassengerList.Passenger);
      expect(passengers.map((p) => [attr(p, 'PassengerID'), p.PTC, text(p.Individual.Surname)])).toEqual(PAX.map((p) => [p.id, p.ptc, p.surname]));
      expect(passengers[0]!.ContactInfoRef).toBe('CTC1');
      const contact = asList<Doc>(response.DataLists.ContactList.ContactInformation)[0]!;
      expect(attr(contact, 'ContactID')).toBe('CTC1');
      expect(asList<Doc>(asList<Doc>(contact.ContactProvided)[0]!.EmailAddress)[0]!.EmailAddressValue).toBe('anna.muller@example.com');
    });

    it('answers the same OrderCreateRQ sent again in a SOAP 1.1 envelope with the same order, charged once', async () => {
      const again = await view(createRq, true);
      expect(attr(again.order, 'OrderID')).toBe(attr(created.order, 'OrderID'));
      expect(paymentsOf(again.order)).toHaveLength(1);
      const numbers = (response: Doc): string[] => ticketsOf(response).map((t) => asList<Doc>(t.TicketDocument)[0]!.TicketDocNbr as string);
      expect(numbers(again.response)).toEqual(numbers(created.response));
    });

    it('retrieves the order by OrderID and by booking reference', async () => {
      const orderId = attr(created.order, 'OrderID')!;
      const bookingReference = text(asList<Doc>(created.order.BookingReferences.BookingReference)[0]!.ID)!;
      const byId = await view(retrieveByIdRq(orderId));
      expect(attr(byId.order, 'OrderID')).toBe(orderId);
      expect(servicesOf(byId.order).map((s) => attr(s, 'ServiceID'))).toEqual(servicesOf(created.order).map((s) => attr(s, 'ServiceID')));
      const byReference = await view(retrieveByReferenceRq(bookingReference.toLowerCase()));
      expect(attr(byReference.order, 'OrderID')).toBe(orderId);
    });

    it('answers an unknown order with a valid OrderViewRS carrying ORDER_NOT_FOUND', async () => {
      const answer = await send(retrieveByIdRq('ORDNOSUCHORDER'), 'OrderViewRS');
      expect(answer.doc.Response).toBeUndefined();
      expect(errorCodes(answer.doc)).toEqual(['ORDER_NOT_FOUND']);
    });

    it('adds a checked bag from the ServiceListRS of its offer: charged to the card on file, with an EMD', async () => {
      const list = await succeed(serviceListRq(selection), 'ServiceListRS');
      const definitions = new Map(asList<Doc>(list.doc.DataLists.ServiceDefinitionList.ServiceDefinition).map((d) => [attr(d, 'ServiceDefinitionID'), d]));
      const bag = asList<Doc>(list.doc.ALaCarteOffer.ALaCarteOfferItem)
        .find((item) => text(definitions.get(text(item.Service.ServiceDefinitionRef))?.Encoding.Code) === 'XBAG' && refs(item.Eligibility.PassengerRefs).includes('PAX2'));
      expect(bag, 'an XBAG offer item for PAX2').toBeDefined();
      const price = text(bag!.UnitPriceDetail.TotalAmount.SimpleCurrencyPrice)!;

      const changed = await view(acceptOfferRq(attr(created.order, 'OrderID')!, attr(list.doc.ALaCarteOffer, 'OfferID')!, attr(bag, 'OfferItemID')!, 'PAX2'));
      const added = orderItemsOf(changed.order).slice(orderItemsOf(latest.order).length);
      expect(added).toHaveLength(1);
      expect(cents(added[0]!.PriceDetail.TotalAmount.SimpleCurrencyPrice)).toBe(Math.round(Number(price) * 100));
      const bagServices = asList<Doc>(added[0]!.Service);
      for (const service of bagServices) {
        expect(service).toMatchObject({ PassengerRef: 'PAX2' });
        expect(attr(service, 'ServiceStatus')).toBe('HK');
        expect(refs(bag!.Eligibility.SegmentRefs)).toContain(attr(service.ServiceDefinitionRef, 'SegmentRef'));
      }
      const definition = asList<Doc>(changed.response.DataLists.ServiceDefinitionList.ServiceDefinition)
        .find((d) => attr(d, 'ServiceDefinitionID') === text(bagServices[0]!.ServiceDefinitionRef));
      expect(definition?.Encoding).toMatchObject({ RFIC: 'C', Code: 'XBAG' });
      const emds = ticketsOf(changed.response).filter((t) => asList<Doc>(t.TicketDocument)[0]!.Type === 'Y');
      expect(emds.map((t) => t.PassengerReference)).toEqual(['PAX2']);
      const payments = paymentsOf(changed.order);
      expect(payments).toHaveLength(2);
      expect(text(payments[1]!.Amount.SimpleCurrencyPrice)).toBe(price);
      expect(cents(changed.order.TotalOrderPrice.DetailCurrencyPrice.Total)).toBe(Math.round((Number(total) + Number(price)) * 100));
      latest = changed;
    });

    it('adds a paid seat from the SeatAvailabilityRS of its offer, with an EMD', async () => {
      const seats = await succeed(seatAvailabilityRq(selection), 'SeatAvailabilityRS');
      const offer = seats.doc.ALaCarteOffer as Doc;
      const prices = new Map(asList<Doc>(offer.ALaCarteOfferItem).map((i) => [attr(i, 'OfferItemID'), text(i.UnitPriceDetail.TotalAmount.SimpleCurrencyPrice)!]));
      const map = asList<Doc>(seats.doc.SeatMap)[0]!;
      let choice: { segmentId: string; row: string; column: string; offerItemId: string } | undefined;
      for (const row of asList<Doc>(asList<Doc>(map.Cabin)[0]!.Row)) {
        const free = asList<Doc>(row.Seat).find((s) => s.SeatStatus === 'F' && prices.has(text(s.OfferItemRefs)));
        if (free && !choice) choice = { segmentId: text(map.SegmentRef)!, row: String(row.Number), column: free.Column, offerItemId: text(free.OfferItemRefs)! };
      }
      expect(choice, 'a free paid seat').toBeDefined();

      const changed = await view(acceptOfferRq(attr(created.order, 'OrderID')!, attr(offer, 'OfferID')!, choice!.offerItemId, 'PAX1', choice));
      const added = orderItemsOf(changed.order).slice(orderItemsOf(latest.order).length);
      expect(added).toHaveLength(1);
      const seatService = asList<Doc>(added[0]!.Service)[0]!;
      expect(seatService.PassengerRef).toBe('PAX1');
      expect(seatService.SelectedSeat).toMatchObject({ Seat: { Row: choice!.row, Column: choice!.column }, SegmentRef: choice!.segmentId });
      const definition = asList<Doc>(changed.response.DataLists.ServiceDefinitionList.ServiceDefinition)
        .find((d) => attr(d, 'ServiceDefinitionID') === seatService.SelectedSeat.ServiceDefinitionRef);
      expect(definition?.Encoding.RFIC).toBe('A');
      expect(ticketsOf(changed.response).filter((t) => asList<Doc>(t.TicketDocument)[0]!.Type === 'Y').map((t) => t.PassengerReference).sort()).toEqual(['PAX1', 'PAX2']);
      expect(text(paymentsOf(changed.order)[2]!.Amount.SimpleCurrencyPrice)).toBe(prices.get(choice!.offerItemId));
      latest = changed;
    });

    it('quotes the cancellation of every item with OrderReshopRQ, then cancels with OrderCancelRQ: refunded as quoted, documents voided', async () => {
      const orderId = attr(created.order, 'OrderID')!;
      const itemIds = orderItemsOf(latest.order).map((i) => attr(i, 'OrderItemID')!);
      const quote = await succeed(reshopCancelRq(orderId, itemIds), 'OrderReshopRS');
      const offer = asList<Doc>(quote.response.ReshopOffers.ReshopOffer)[0]!;
      expect(attr(offer.Penalty, 'RefundableInd')).toBe('false');
      const deleted = asList<Doc>(offer.DeleteOfferItem);
      expect(deleted.map((d) => attr(d, 'OrderItemID'))).toEqual(itemIds);
      const refund = deleted.reduce((sum, d) => sum + cents(d.ReshopDifferential.ReshopDue.ByAirline.Total.Amount), 0);
      const penalty = deleted.reduce((sum, d) => sum + cents(d.ReshopDifferential.PenaltyAmount.Total.Amount), 0);
      expect(refund + penalty).toBe(cents(latest.order.TotalOrderPrice.DetailCurrencyPrice.Total));
      expect(cents(asList<Doc>(asList<Doc>(offer.Penalty.Details.Detail)[0]!.Amounts.Amount)[0]!.CurrencyAmountValue)).toBe(penalty);

      const cancelled = await succeed(cancelRq(orderId), 'OrderCancelRS');
      const response = asList<Doc>(cancelled.response)[0]!;
      expect(response.OrderReference).toBe(orderId);
      expect(attr(response.ChangeFees, 'CancelFeeInd')).toBe('true');
      expect(text(asList<Doc>(response.ChangeFees.ApplicableFeeRemarks.Remark)[0])).toContain(`${refund / 100} EUR refunded`);
      const voided = ticketsOf(response);
      expect(voided).toHaveLength(ticketsOf(latest.response).length);
      for (const ticket of voided) expect(asList<Doc>(ticket.TicketDocument)[0]!.Remark).toBe('Voided');

      const after = await view(retrieveByIdRq(orderId));
      expect(after.order.Status.StatusCode).toBe('CLS');
      expect(text(after.order.TotalOrderPrice.DetailCurrencyPrice.Total)).toBe('0.00');
      for (const item of orderItemsOf(after.order)) expect(item.ItemStatus).toBe('HX');
      for (const service of servicesOf(after.order)) expect(attr(service, 'ServiceStatus')).toBe('HX');
      for (const ticket of ticketsOf(after.response)) expect(asList<Doc>(ticket.TicketDocument)[0]!.Remark).toBe('Voided');
      expect(paymentsOf(after.order).map((p) => p.Status.StatusCode)).toContain('Refunded');
    });
  });

  it('holds an order without payment, changes its contact, then pays it by OrderChangeRQ', async () => {
    const { selection, total } = await shopAndPrice();
    const held = await view(orderCreateRq(selection, total, `hold-${randomUUID()}`));
    const orderId = attr(held.order, 'OrderID')!;
    expect(held.order.Status.StatusCode).toBe('OPN');
    expect(held.order.Payments).toBeUndefined();
    expect(held.response.TicketDocInfos).toBeUndefined();
    expect(Date.parse(attr(held.order.TimeLimits.PaymentTimeLimit, 'DateTime')!)).toBeGreaterThan(Date.now());
    const warnings = asList<Doc>(held.doc.Warnings.Warning);
    expect(warnings.map((w) => attr(w, 'ShortText'))).toEqual(['PAYMENT_DUE']);
    expect(text(warnings[0])).toContain(`${Number(total)} EUR is due`);
    for (const service of servicesOf(held.order)) expect(attr(service, 'ServiceStatus')).toBe('HK');

    const changed = await view(contactChangeRq(orderId, 'anna@linden-reisen.example'));
    const contact = asList<Doc>(changed.response.DataLists.ContactList.ContactInformation)[0]!;
    expect(asList<Doc>(asList<Doc>(contact.ContactProvided)[0]!.EmailAddress)[0]).toEqual({ Label: 'Work', EmailAddressValue: 'anna@linden-reisen.example' });
    expect(asList<Doc>(changed.response.DataLists.PassengerList.Passenger)[0]!.ContactInfoRef).toBe('CTC1');

    const paid = await view(payRq(orderId, SECOND_CARD, total));
    expect(attr(paid.order, 'OrderID')).toBe(orderId);
    expect(paid.order.TimeLimits).toBeUndefined();
    expect(paid.doc.Warnings).toBeUndefined();
    expect(ticketsOf(paid.response)).toHaveLength(PAX.length);
    const payments = paymentsOf(paid.order);
    expect(payments).toHaveLength(1);
    expect(text(payments[0]!.Amount.SimpleCurrencyPrice)).toBe(total);
    expect(payments[0]!.Method.PaymentCardMethod).toMatchObject({ CardCode: 'CA', MaskedCardNumber: '4444' });
    expect(paid.xml).not.toContain(SECOND_CARD);
  });

  it('answers a declined card with an OrderViewRS error PAYMENT_DECLINED, and makes no order', async () => {
    const { selection, total } = await shopAndPrice();
    const echoToken = `declined-${randomUUID()}`;
    const answer = await send(orderCreateRq(selection, total, echoToken, DECLINED_CARD), 'OrderViewRS');
    expect(answer.doc.Response).toBeUndefined();
    expect(errorCodes(answer.doc)).toEqual(['PAYMENT_DECLINED']);
    expect(answer.xml).not.toContain(DECLINED_CARD);
    // The order the request would have made (its id follows from client, sender and message id) does not exist.
    const orderId = deriveOrderId(DEMO_CLIENT_ENTRY.id, `${DEMO_CLIENT_ENTRY.id}:${SENDER}:${echoToken}`);
    const retrieved = await send(retrieveByIdRq(orderId), 'OrderViewRS');
    expect(errorCodes(retrieved.doc)).toEqual(['ORDER_NOT_FOUND']);
  });

  describe('the shared 17.2 samples, whose offers and orders this airline does not know', () => {
    const samples = listSamples('17.2', ['OrderCreateRQ', 'OrderRetrieveRQ']);

    it('has an OrderCreateRQ and an OrderRetrieveRQ sample', () => {
      expect(samples.map((s) => s.message).sort()).toEqual(['OrderCreateRQ', 'OrderRetrieveRQ']);
    });

    for (const sample of samples) {
      it(`answers ${sample.name} with a valid OrderViewRS carrying the refusal`, async () => {
        const answer = await send(readFileSync(sample.file, 'utf8'), 'OrderViewRS');
        expect(answer.status).toBe(200);
        expect(answer.doc.Response).toBeUndefined();
        expect(errorCodes(answer.doc)).toEqual([sample.message === 'OrderCreateRQ' ? 'OFFER_NOT_FOUND' : 'ORDER_NOT_FOUND']);
      });
    }
  });
});
