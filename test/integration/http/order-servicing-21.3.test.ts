import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { asList, dayFromToday, type Doc } from '../../support/ndc-doc.ts';
import { schemaFileOf } from '../../support/samples.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';
import { xmllintText } from '../../support/xmllint.ts';

/**
 * NDC 21.3 order servicing end to end over HTTP, with two API clients from a CLIENTS_FILE: an
 * order is shopped (AirShoppingRQ), priced (OfferPriceRQ) and booked with the approved test card;
 * then OrderReshopRQ quotes cancelling it (refund per item) and repricing it, OrderQuoteRQ
 * answers the amount due (OrderReshopRS), OrderListRQ finds it for its owner only and
 * OrderHistoryRQ lists its events. Every answer is checked against its XSD with the gateway's
 * validator and with xmllint.
 *
 * The booking goes through OrderCreateRQ when the 21.3 mappings serve it; otherwise through the
 * ONE Order API (POST /api/v1/one-order/create), which runs the same order.create handler through
 * the same queue for the same client.
 */

const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';
const KEY_A = 'servicing-agency-a-5c1e9d27';
const KEY_B = 'servicing-agency-b-0b8f4a63';
const APPROVED_CARD = '4111111111111111';
const OUTBOUND = dayFromToday(38);
const INBOUND = dayFromToday(45);
const PASSENGERS = [
  { id: 'PAX1', ptc: 'ADT', givenName: 'Clara', surname: 'Lindqvist' },
  { id: 'PAX2', ptc: 'CHD', givenName: 'Oskar', surname: 'Lindqvist' },
] as const;

const DISTRIBUTION_CHAIN = `
  <DistributionChain>
    <c:DistributionChainLink>
      <c:Ordinal>1</c:Ordinal>
      <c:OrgRole>Seller</c:OrgRole>
      <c:ParticipatingOrg><c:Name>Fjord Travel</c:Name><c:OrgID>FJORD01</c:OrgID></c:ParticipatingOrg>
    </c:DistributionChainLink>
  </DistributionChain>`;

function document(root: string, request: string, payloadRoot = 'Request'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<IATA_${root} xmlns="${MESSAGE_NS}" xmlns:c="${TYPES_NS}">${DISTRIBUTION_CHAIN}
  <${payloadRoot}>${request}
  </${payloadRoot}>
</IATA_${root}>`;
}

function airShoppingRq(): string {
  const od = (origin: string, destination: string, date: string) => `
        <c:OriginDestCriteria>
          <c:DestArrivalCriteria><c:IATA_LocationCode>${destination}</c:IATA_LocationCode></c:DestArrivalCriteria>
          <c:OriginDepCriteria><c:Date>${date}</c:Date><c:IATA_LocationCode>${origin}</c:IATA_LocationCode></c:OriginDepCriteria>
        </c:OriginDestCriteria>`;
  return document('AirShoppingRQ', `
    <c:FlightRequest>
      <c:FlightRequestOriginDestinationsCriteria>${od('LHR', 'FRA', OUTBOUND)}${od('FRA', 'LHR', INBOUND)}
      </c:FlightRequestOriginDestinationsCriteria>
    </c:FlightRequest>
    <c:OfferCriteria>
      <c:FareCriteria><c:FareBasisCode>YFX</c:FareBasisCode><c:PrefLevel><c:PrefLevelCode>Required</c:PrefLevelCode></c:PrefLevel></c:FareCriteria>
    </c:OfferCriteria>
    <c:PaxList>${PASSENGERS.map((p) => `<c:Pax><c:PaxID>${p.id}</c:PaxID><c:PTC>${p.ptc}</c:PTC></c:Pax>`).join('')}</c:PaxList>`);
}

interface Selection {
  readonly offerId: string;
  readonly owner: string;
  readonly items: readonly { readonly id: string; readonly paxIds: readonly string[] }[];
}

function selectedItems(selection: Selection): string {
  return selection.items.map((item) =>
    `<c:SelectedOfferItem><c:OfferItemRefID>${item.id}</c:OfferItemRefID>${item.paxIds.map((p) => `<c:PaxRefID>${p}</c:PaxRefID>`).join('')}</c:SelectedOfferItem>`).join('');
}

function offerPriceRq(selection: Selection): string {
  return document('OfferPriceRQ', `
    <c:PricedOffer>
      <c:SelectedOfferList>
        <c:SelectedOffer><c:OfferRefID>${selection.offerId}</c:OfferRefID><c:OwnerCode>${selection.owner}</c:OwnerCode>${selectedItems(selection)}</c:SelectedOffer>
      </c:SelectedOfferList>
    </c:PricedOffer>`);
}

function orderCreateRq(selection: Selection, total: { amount: string; currency: string }, card: boolean): string {
  const pax = PASSENGERS.map((p) => `
        <c:Pax><c:Individual><c:GivenName>${p.givenName}</c:GivenName><c:Surname>${p.surname}</c:Surname></c:Individual><c:PaxID>${p.id}</c:PaxID><c:PTC>${p.ptc}</c:PTC></c:Pax>`).join('');
  const payment = card ? `
    <c:PaymentFunctions>
      <c:PaymentProcessingDetails>
        <c:Amount CurCode="${total.currency}">${total.amount}</c:Amount>
        <c:PaymentMethod>
          <c:PaymentCard>
            <c:CardHolderName>CLARA LINDQVIST</c:CardHolderName>
            <c:CardNumber>${APPROVED_CARD}</c:CardNumber>
            <c:CardSecurityCode>123</c:CardSecurityCode>
            <c:ExpirationDate>1230</c:ExpirationDate>
          </c:PaymentCard>
        </c:PaymentMethod>
      </c:PaymentProcessingDetails>
    </c:PaymentFunctions>` : '';
  return document('OrderCreateRQ', `
    <c:CreateOrder>
      <c:AcceptSelectedQuotedOfferList>
        <c:SelectedPricedOffer>
          <c:OfferRefID>${selection.offerId}</c:OfferRefID>
          <c:OwnerCode>${selection.owner}</c:OwnerCode>${selectedItems(selection)}
          <c:TotalOfferPriceAmount CurCode="${total.currency}">${total.amount}</c:TotalOfferPriceAmount>
        </c:SelectedPricedOffer>
      </c:AcceptSelectedQuotedOfferList>
    </c:CreateOrder>
    <c:DataLists>
      <c:PaxList>${pax}
      </c:PaxList>
    </c:DataLists>${payment}`);
}

function orderReshopRq(orderId: string, update: string): string {
  return document('OrderReshopRQ', `
    <c:OrderRefID>${orderId}</c:OrderRefID>
    <c:UpdateOrder>${update}</c:UpdateOrder>`);
}

const cancelWholeOrder = (orderId: string) => `<c:CancelOrderRef><c:OrderRefID>${orderId}</c:OrderRefID></c:CancelOrderRef>`;
const serviceOrder = (content: string) => `<c:ReshopOrder><c:ReshopOrderChoice><c:ServiceOrder>${content}</c:ServiceOrder></c:ReshopOrderChoice></c:ReshopOrder>`;

function orderQuoteRq(orderId: string): string {
  return document('OrderQuoteRQ', `
    <c:ExistingOrder><c:OrderID>${orderId}</c:OrderID><c:OwnerCode>XR</c:OwnerCode></c:ExistingOrder>`, 'Payload');
}

function orderListRq(criteria: string): string {
  return document('OrderListRQ', `
    <c:OrderSearchFilterCriteria>${criteria}</c:OrderSearchFilterCriteria>`);
}

function orderHistoryRq(orderId: string): string {
  return document('OrderHistoryRQ', `
    <c:Order><c:OrderID>${orderId}</c:OrderID><c:OwnerCode>XR</c:OwnerCode></c:Order>`);
}

function amountOf(element: Doc | undefined): number {
  return Number(element?.['#text']);
}

/** Sum in cents, so that 0.1 + 0.2 compares as 0.3. */
function sumOf(values: readonly number[]): number {
  return values.reduce((total, value) => total + Math.round(value * 100), 0) / 100;
}

interface Booking {
  readonly orderId: string;
  readonly total: number;
  readonly currency: string;
  readonly itemIds: readonly string[];
}

describe('NDC 21.3 order servicing over HTTP', () => {
  let gw: RunningGateway;
  let folder: string;
  let selection: Selection;
  let pricedTotal: { amount: string; currency: string };
  let paid: Booking;
  let held: Booking;

  function expectValid(message: string, xml: string): void {
    expect(gw.gateway.deps.schemas.get('21.3', message).validate(xml), xml.slice(0, 2000)).toEqual([]);
    const lint = xmllintText(schemaFileOf('21.3', message), xml);
    expect(lint.valid, lint.output).toBe(true);
  }

  /** Posts an NDC request with a client's key; the answer must be the response named, valid for both validators. */
  async function send(message: string, xml: string, key = KEY_A, headers: Record<string, string> = {}): Promise<{ status: number; text: string; doc: Doc }> {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, xml, { 'x-api-key': key, ...headers });
    expectValid(message, answer.text);
    const parsed = parseXml(answer.text, { model: gw.gateway.deps.models.get('21.3', message) });
    expect(parsed.rootName).toBe(`IATA_${message}`);
    return { status: answer.status, text: answer.text, doc: parsed.document as Doc };
  }

  function noErrors(doc: Doc, text: string): Doc {
    expect(doc.Error, text.slice(0, 2000)).toBeUndefined();
    return doc.Response as Doc;
  }

  const servesOrderCreate = (): boolean => gw.gateway.deps.mappings.current().mapped('21.3').some((m) => m.request === 'OrderCreateRQ');

  /** Books the priced offer with the approved card, or as a hold without one. */
  async function book(card: boolean, key: string): Promise<Booking> {
    if (servesOrderCreate()) {
      const { doc, text } = await send('OrderViewRS', orderCreateRq(selection, pricedTotal, card), KEY_A, { 'idempotency-key': `${key}-${Date.now()}` });
      const order = asList(noErrors(doc, text).Order)[0] as Doc;
      expect(order.StatusCode).toBe('OPENED');
      return {
        orderId: String(order.OrderID), total: amountOf(order.TotalPrice?.TotalAmount), currency: String(order.TotalPrice?.TotalAmount?.['@CurCode']),
        itemIds: asList(order.OrderItem as Doc[]).map((item) => String(item.OrderItemID)),
      };
    }
    const response = await fetch(`${gw.url}/api/v1/one-order/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY_A, 'idempotency-key': `${key}-${Date.now()}` },
      body: JSON.stringify({
        offerId: selection.offerId,
        offerItemIds: selection.items.map((i) => i.id),
        passengers: PASSENGERS.map((p) => ({ paxId: p.id, ptc: p.ptc, givenName: p.givenName, surname: p.surname })),
        ...(card ? { payment: { card: { number: APPROVED_CARD, expiry: '12/30', cvv: '123', holderName: 'CLARA LINDQVIST' } } } : {}),
      }),
    });
    const body = await response.json() as { order: { orderId: string; totalPrice: { total: number; currency: string }; items: { orderItemId: string }[] } };
    expect(response.status, JSON.stringify(body)).toBe(201);
    return { orderId: body.order.orderId, total: body.order.totalPrice.total, currency: body.order.totalPrice.currency, itemIds: body.order.items.map((i) => i.orderItemId) };
  }

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'order-servicing-'));
    const clientsFile = join(folder, 'clients.json');
    writeFileSync(clientsFile, JSON.stringify([
      { id: 'agency-a', name: 'Agency A', apiKeys: [hashApiKey(KEY_A)], messages: ['*'] },
      { id: 'agency-b', name: 'Agency B', apiKeys: [hashApiKey(KEY_B)], messages: ['*'] },
    ]));
    gw = await startGateway({ NDC_VERSIONS: '21.3', CLIENTS_FILE: clientsFile, MAPPINGS_WATCH: 'false' });
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('shops (fare basis YFX: Economy Flex, refundable) and prices an offer for an adult and a child', async () => {
    const shopped = await send('AirShoppingRS', airShoppingRq());
    const shop = noErrors(shopped.doc, shopped.text);
    const offers = asList(shop.OffersGroup.CarrierOffers[0].Offer as Doc[]);
    const offer = offers.find((o) => o.JourneyOverview?.PriceClassRefID === 'ECOFLEX');
    expect(offer, 'an ECOFLEX offer').toBeDefined();
    const shoppedSelection: Selection = {
      offerId: String(offer!.OfferID), owner: String(offer!.OwnerCode),
      items: asList(offer!.OfferItem as Doc[]).map((item) => ({ id: String(item.OfferItemID), paxIds: asList(item.FareDetail[0].PaxRefID as string[]) })),
    };

    const priced = await send('OfferPriceRS', offerPriceRq(shoppedSelection));
    const pricedOffer = noErrors(priced.doc, priced.text).PricedOffer as Doc;
    selection = {
      offerId: String(pricedOffer.OfferID), owner: String(pricedOffer.OwnerCode),
      items: asList(pricedOffer.OfferItem as Doc[]).map((item) => ({ id: String(item.OfferItemID), paxIds: asList(item.FareDetail[0].PaxRefID as string[]) })),
    };
    const total = pricedOffer.TotalPrice.TotalAmount as Doc;
    pricedTotal = { amount: String(total['#text']), currency: String(total['@CurCode']) };
    expect(selection.items.length).toBe(2);
  });

  it('books it paid with the approved card, and books a second one on hold', async () => {
    paid = await book(true, 'servicing-paid');
    expect(paid.orderId).toMatch(/^\S+$/);
    expect(paid.total).toBe(Number(pricedTotal.amount));
    expect(paid.itemIds.length).toBeGreaterThanOrEqual(2);
    held = await book(false, 'servicing-held');
    expect(held.orderId).not.toBe(paid.orderId);
  });

  it('quotes cancelling the whole paid order: every item refunded in full (refundable fare), nothing changed', async () => {
    const { status, doc, text } = await send('OrderReshopRS', orderReshopRq(paid.orderId, cancelWholeOrder(paid.orderId)));
    expect(status).toBe(200);
    const response = noErrors(doc, text);
    expect(response.Order).toMatchObject({ OrderID: paid.orderId, OwnerCode: 'XR', OrderVersionNumber: '2' });
    const offer = asList(response.ReshopResults.ReshopOffers.Offer as Doc[])[0]!;
    expect(offer.OfferID).toBe(`${paid.orderId}-CANCEL-2`);
    expect(asList(offer.Desc as Doc[])[0]!.DescText).toContain('Economy Flex is refundable');
    const deleted = asList(offer.DeleteOrderItem as Doc[]);
    expect(deleted.map((d) => asList(d.ExistingOrderItem as Doc[])[0]!.OrderItemRefID).sort()).toEqual([...paid.itemIds].sort());
    for (const item of deleted) {
      const differential = item.PriceDifferential as Doc;
      expect(differential.DifferentialTypeCode).toBe('Refund');
      expect(amountOf(differential.DiffPrice.Price.DueByAirlineAmount)).toBe(amountOf(differential.OldPrice.Price.TotalAmount));
      expect(amountOf(differential.DiffPrice.Price.TotalAmount)).toBe(-amountOf(differential.OldPrice.Price.TotalAmount));
      expect(differential.DiffPrice.Price.DueByAirlineAmount['@CurCode']).toBe(paid.currency);
    }
    const refund = sumOf(deleted.map((d) => amountOf(d.PriceDifferential.DiffPrice.Price.DueByAirlineAmount)));
    expect(refund).toBe(paid.total);
    const penalties = asList(response.DataLists.PenaltyList.Penalty as Doc[]);
    expect(penalties.map((p) => amountOf(p.Price.TotalAmount))).toEqual(deleted.map(() => 0));
    expect(penalties.every((p) => p.TypeCode === 'Cancellation')).toBe(true);
    expect(asList(response.DataLists.PriceClassList.PriceClass as Doc[])[0]).toMatchObject({ PriceClassID: 'ECOFLEX', Name: 'Economy Flex' });

    // A quote changes nothing: the order is still at the version it was quoted at.
    const again = await send('OrderReshopRS', orderReshopRq(paid.orderId, cancelWholeOrder(paid.orderId)));
    expect(noErrors(again.doc, again.text).Order.OrderVersionNumber).toBe('2');
  });

  it('quotes cancelling one item of the paid order', async () => {
    const itemId = paid.itemIds[0]!;
    const { doc, text } = await send('OrderReshopRS', orderReshopRq(paid.orderId, serviceOrder(`<c:DeleteOrderItem><c:OrderItemRefID>${itemId}</c:OrderItemRefID></c:DeleteOrderItem>`)));
    const offer = asList(noErrors(doc, text).ReshopResults.ReshopOffers.Offer as Doc[])[0]!;
    const deleted = asList(offer.DeleteOrderItem as Doc[]);
    expect(asList(deleted[0]!.ExistingOrderItem as Doc[])[0]!.OrderItemRefID).toBe(itemId);
    expect(amountOf(deleted[0]!.PriceDifferential.DiffPrice.Price.DueByAirlineAmount)).toBeGreaterThan(0);
  });

  it('quotes cancelling the held order as refunding nothing: it was never paid', async () => {
    const { doc, text } = await send('OrderReshopRS', orderReshopRq(held.orderId, cancelWholeOrder(held.orderId)));
    const offer = asList(noErrors(doc, text).ReshopResults.ReshopOffers.Offer as Doc[])[0]!;
    for (const item of asList(offer.DeleteOrderItem as Doc[])) {
      expect(item.PriceDifferential.DifferentialTypeCode).toBe('EvenExchange');
      expect(amountOf(item.PriceDifferential.DiffPrice.Price.DueByAirlineAmount)).toBe(0);
    }
  });

  it('reprices the paid order at today\'s fares', async () => {
    const { doc, text } = await send('OrderReshopRS', orderReshopRq(paid.orderId, serviceOrder('')));
    const results = noErrors(doc, text).ReshopResults as Doc;
    if (results.NoChangeInd) {
      expect(results.NoChangeInd.NoChangeInd).toBe('true');
    } else {
      // Fares moved since booking: today's total, with the booked one in the warning.
      expect(amountOf(asList(results.ReshopOffers.Offer as Doc[])[0]!.TotalPrice.TotalAmount)).toBeGreaterThan(0);
      expect(asList(doc.Response.Warning as Doc[])[0]!.TypeCode).toBe('PRICE_CHANGED');
    }
  });

  it('answers OrderQuoteRQ with an OrderReshopRS: the held order\'s amount due until its payment time limit, nothing due on the paid one', async () => {
    const quoted = await send('OrderReshopRS', orderQuoteRq(held.orderId));
    const response = noErrors(quoted.doc, quoted.text);
    expect(response.Order).toMatchObject({ OrderID: held.orderId, OrderVersionNumber: '1' });
    const offer = asList(response.ReshopResults.ReshopOffers.Offer as Doc[])[0]!;
    expect(amountOf(offer.TotalPrice.TotalAmount)).toBe(held.total);
    expect(offer.TotalPrice.TotalAmount['@CurCode']).toBe(held.currency);
    expect(Date.parse(String(offer.OfferExpirationTimeLimitDateTime))).toBeGreaterThan(Date.now());

    const paidQuote = await send('OrderReshopRS', orderQuoteRq(paid.orderId));
    const paidOffer = asList(noErrors(paidQuote.doc, paidQuote.text).ReshopResults.ReshopOffers.Offer as Doc[])[0]!;
    expect(amountOf(paidOffer.TotalPrice.TotalAmount)).toBe(0);
  });

  it('lists the orders of the client that made them, newest first, and none of them to another client', async () => {
    const mine = await send('OrderListRS', orderListRq(''));
    const matched = asList(noErrors(mine.doc, mine.text).MatchedOrder as Doc[]);
    expect(matched.map((m) => m.OrderRefID)).toEqual([held.orderId, paid.orderId]);
    expect(matched[1]).toMatchObject({ OrderStatusCode: 'OPENED' });
    expect(asList(matched[1]!.PaxList.Pax as Doc[]).map((p) => [p.PaxID, p.PTC, p.Individual?.Surname])).toEqual(PASSENGERS.map((p) => [p.id, p.ptc, p.surname]));

    const bySurname = await send('OrderListRS', orderListRq(`<c:PaxFilterCriteria><c:Individual><c:Surname>lindqvist</c:Surname></c:Individual></c:PaxFilterCriteria>`));
    expect(asList(noErrors(bySurname.doc, bySurname.text).MatchedOrder as Doc[])).toHaveLength(2);
    const nobody = await send('OrderListRS', orderListRq(`<c:PaxFilterCriteria><c:Individual><c:Surname>Nobody</c:Surname></c:Individual></c:PaxFilterCriteria>`));
    expect(noErrors(nobody.doc, nobody.text).MatchedOrder).toBeUndefined();
    const later = await send('OrderListRS', orderListRq(`<c:CreationDateTimeFilterCriteria><c:FromDateTime>${new Date(Date.now() + 3_600_000).toISOString().slice(0, 19)}Z</c:FromDateTime></c:CreationDateTimeFilterCriteria>`));
    expect(noErrors(later.doc, later.text).MatchedOrder).toBeUndefined();

    const theirs = await send('OrderListRS', orderListRq(''), KEY_B);
    expect(noErrors(theirs.doc, theirs.text).MatchedOrder).toBeUndefined();
  });

  it('lists the events of the paid order, and refuses its history to another client', async () => {
    const { doc, text } = await send('OrderHistoryRS', orderHistoryRq(paid.orderId));
    const response = noErrors(doc, text);
    expect(response.OrderID).toBe(paid.orderId);
    const groups = asList(asList(response.ChangeGroup as Doc[])[0]!.ChangeOperationGroup as Doc[]);
    expect(groups.map((g) => g.OrderVersionNumber)).toEqual(['1', '2']);
    const operations = groups.map((g) => asList(g.ChangeOperation as Doc[])[0]!);
    expect(operations.map((o) => [o.ChangeTypeCode, o.ReasonCode])).toEqual([['Create', 'order.created'], ['Deliver', 'order.delivered']]);
    expect(amountOf(asList(operations[0]!.New.Order as Doc[])[0]!.TotalPrice.TotalAmount)).toBe(paid.total);
    for (const group of groups) expect(asList(group.DistibutionChain as Doc[])[0]!.ParticipatingOrg.OrgID).toBe('agency-a');
    expect(text).not.toContain(APPROVED_CARD);

    const refused = await send('OrderHistoryRS', orderHistoryRq(paid.orderId), KEY_B);
    expect(asList(refused.doc.Error as Doc[])[0]).toMatchObject({ TypeCode: 'ORDER_NOT_FOUND' });
  });

  it('answers an unknown order with ORDER_NOT_FOUND, and refuses to quote a change of flights', async () => {
    const unknown = await send('OrderReshopRS', orderReshopRq('ORDUNKNOWN0000000000', cancelWholeOrder('ORDUNKNOWN0000000000')));
    expect(asList(unknown.doc.Error as Doc[])[0]).toMatchObject({ TypeCode: 'ORDER_NOT_FOUND' });

    const reshop = `<c:AddOfferItems><c:FlightRequest><c:FlightRequestOriginDestinationsCriteria><c:OriginDestCriteria>
      <c:DestArrivalCriteria><c:IATA_LocationCode>FRA</c:IATA_LocationCode></c:DestArrivalCriteria>
      <c:OriginDepCriteria><c:Date>${dayFromToday(60)}</c:Date><c:IATA_LocationCode>LHR</c:IATA_LocationCode></c:OriginDepCriteria>
    </c:OriginDestCriteria></c:FlightRequestOriginDestinationsCriteria></c:FlightRequest></c:AddOfferItems>`;
    const refused = await send('OrderReshopRS', orderReshopRq(paid.orderId, serviceOrder(reshop)));
    expect(refused.status).toBe(200);
    expect(asList(refused.doc.Error as Doc[])[0]).toMatchObject({ TypeCode: 'UNPROCESSABLE_REQUEST' });
  });
});
