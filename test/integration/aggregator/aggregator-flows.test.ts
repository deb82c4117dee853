import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../../src/auth/index.ts';
import {
  acceptCancelRq213, airShoppingRq172, cancelRq172, airShoppingRq213, offerPriceRq172, offerPriceRq213, offersOf172, offersOf213, orderCreateRq172, orderCreateRq213,
  orderRetrieveRq172, orderRetrieveRq213, payRq213, PASSENGER, reshopCancelRq213, type PickedOffer,
} from '../../support/aggregator-messages.ts';
// PASSENGER_IMPORT
import { createNdcChecker, type NdcChecker } from '../../support/expect-valid-answer.ts';
import { asList, attr, dayFromToday, text, type Doc } from '../../support/ndc-doc.ts';
import { SETTLEMENT_CARD, startAirlineNetwork, warmUpNetwork, type AirlineNetwork } from '../../support/start-airline-network.ts';
import { postXml } from '../../support/start-gateway.ts';

/**
 * Aggregator mode end to end, three gateway processes on loopback: airline XA (a gateway serving
 * NDC 17.2 only in front of its own reference airline), airline XB (21.3), and the aggregator whose
 * AIRLINES_FILE names both as NDC airlines. Sellers talk to the aggregator only, in their own
 * version; the aggregator talks to each airline in the airline's. Every answer, the aggregator's
 * and the airlines', is checked against its XSD by our validator and by xmllint.
 */

const SELLER_CARD = '5555555555554444';
const ORIGIN = 'CPH';
const DESTINATION = 'LIS';

describe('an aggregator in front of a 17.2 airline (XA) and a 21.3 airline (XB)', () => {
  let net: AirlineNetwork;
  let checker: NdcChecker;
  const date = dayFromToday(35);

  /** Posts `body` to `url` and checks the answer is a valid `message` of `version`; 200 and no Error unless `failing`. */
  async function send(url: string, version: string, message: string, body: string, failing = false): Promise<{ doc: Doc; text: string; status: number }> {
    const answer = await postXml(url, body);
    const doc = checker.expectValid(version, message, answer.text);
    if (!failing) {
      expect(doc.Error ?? doc.Errors, answer.text.slice(0, 3000)).toBeUndefined();
      expect(answer.status).toBe(200);
    }
    return { doc, text: answer.text, status: answer.status };
  }

  /** The ONE Order record of an order at the aggregator. */
  async function oneOrder(orderId: string): Promise<Record<string, any>> {
    const response = await fetch(`${net.aggregator.url}/api/v1/one-order/${orderId}`, { headers: { 'x-api-key': DEMO_API_KEY } });
    const body = await response.text();
    expect(response.status, body).toBe(200);
    return (JSON.parse(body) as { order: Record<string, any> }).order;
  }

  /**
   * Shops at the aggregator until an offer of `owner` comes back (at most 5 times): on a busy
   * machine an airline can miss its deadline once, which the failure tests cover; here it must answer.
   */
  async function shopFor(version: '21.3' | '17.2', owner: string): Promise<{ doc: Doc; offer: PickedOffer }> {
    for (let attempt = 1; ; attempt++) {
      const body = version === '21.3' ? airShoppingRq213(ORIGIN, DESTINATION, date) : airShoppingRq172(ORIGIN, DESTINATION, date);
      const { doc } = await send(net.aggregator.ndcUrl, version, 'AirShoppingRS', body);
      const offer = (version === '21.3' ? offersOf213(doc) : offersOf172(doc)).find((o) => o.owner === owner);
      if (offer) return { doc, offer };
      expect(attempt, `an offer of ${owner} in 5 answers`).toBeLessThan(5);
    }
  }

  beforeAll(async () => {
    [net, checker] = await Promise.all([startAirlineNetwork(), createNdcChecker(['17.2', '21.3'])]);
    await warmUpNetwork(net, ORIGIN, DESTINATION, date);
  }, 300_000);
  afterAll(async () => {
    await net?.close();
    checker?.dispose();
  });

  it('answers one 21.3 AirShoppingRQ with the offers of both airlines, each with its OwnerCode, cheapest first', async () => {
    const { doc } = await send(net.aggregator.ndcUrl, '21.3', 'AirShoppingRS', airShoppingRq213(ORIGIN, DESTINATION, date));
    const offers = offersOf213(doc);
    const owners = new Set(offers.map((o) => o.owner));
    expect(owners).toEqual(new Set(['XA', 'XB']));
    const totals = offers.map((o) => Number(o.total));
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(new Set(offers.map((o) => o.offerId)).size).toBe(offers.length);
    expect(doc.Warning).toBeUndefined();

    // The same offers as each airline gives its own sellers (same ids, same prices).
    const direct = offersOf172(checker.expectValid('17.2', 'AirShoppingRS', (await postXml(net.xa.ndcUrl, airShoppingRq172(ORIGIN, DESTINATION, date))).text));
    const fromXa = offers.filter((o) => o.owner === 'XA');
    expect(fromXa.map((o) => o.total).sort()).toEqual(direct.map((o) => o.total).sort());
    // Two reference airlines with other hubs fly the route otherwise.
    expect(offers.filter((o) => o.owner === 'XB').map((o) => o.total).sort()).not.toEqual(fromXa.map((o) => o.total).sort());
  });

  it('talks to XA in 17.2, the only version XA serves: XA refuses a 21.3 message', async () => {
    const answer = await postXml(net.xa.ndcUrl, airShoppingRq213(ORIGIN, DESTINATION, date));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.text).not.toMatch(/<(?:\w+:)?OfferID>/);
  });

  describe('a 21.3 seller books an offer of the 17.2 airline: held, retrieved, paid, cancelled', () => {
    let offer: PickedOffer;
    let orderId: string;
    let held: Doc;

    /** XA's own view of its order, asked of XA directly in 17.2. */
    async function atXa(airlineOrderId: string): Promise<Doc> {
      const { doc } = await send(net.xa.ndcUrl, '17.2', 'OrderViewRS', orderRetrieveRq172(airlineOrderId, 'XA'));
      return asList<Doc>(doc.Response.Order)[0]!;
    }

    beforeAll(async () => {
      const { offer: picked } = await shopFor('21.3', 'XA');
      const priced = await send(net.aggregator.ndcUrl, '21.3', 'OfferPriceRS', offerPriceRq213(picked!));
      expect(priced.doc.Response.PricedOffer.OwnerCode ?? 'XA').toBe('XA');
      offer = { ...picked!, total: text(priced.doc.Response.PricedOffer.TotalPrice.TotalAmount)! };
      held = (await send(net.aggregator.ndcUrl, '21.3', 'OrderViewRS', orderCreateRq213(offer, `hold-${randomUUID()}`))).doc;
      orderId = asList<Doc>(held.Response.Order)[0]!.OrderID as string;
    }, 120_000);

    it('holds the order: owned by XA, with XA\'s booking reference, and XA holds it unpaid under its own order id', async () => {
      const order = asList<Doc>(held.Response.Order)[0]!;
      const record = await oneOrder(orderId);
      expect(record.airline).toMatchObject({ owner: 'XA', orderId: expect.stringMatching(/^\S+$/), bookingReference: expect.stringMatching(/^[A-Z0-9]{5,8}$/) });
      expect(order.OwnerCode).toBe('XA');
      expect(text(order.TotalPrice.TotalAmount)).toBe(offer.total);
      expect(held.PaymentFunctions).toBeUndefined();
      const bookingRefs = [...asList<Doc>(order.BookingRef), ...asList<Doc>(order.OrderItem).flatMap((item) => asList<Doc>(item.Service)).flatMap((service) => asList<Doc>(service.BookingRef))];
      const xaRef = bookingRefs.find((ref) => ref.BookingEntity?.Carrier?.AirlineDesigCode === 'XA');
      expect(xaRef?.BookingID, JSON.stringify(bookingRefs)).toBe(record.airline.bookingReference);

      const atAirline = await atXa(record.airline.orderId as string);
      expect(attr(atAirline, 'OrderID')).toBe(record.airline.orderId);
      expect(attr(atAirline, 'Owner')).toBe('XA');
      expect(text(asList<Doc>(atAirline.BookingReferences.BookingReference)[0]!.ID)).toBe(record.airline.bookingReference);
      expect(atAirline.Payments).toBeUndefined();
      expect(atAirline.Status.StatusCode).toBe('OPN');
      // XA's order names the passenger as the seller did.
      const { doc: xaView } = await send(net.xa.ndcUrl, '17.2', 'OrderViewRS', orderRetrieveRq172(record.airline.orderId as string, 'XA'));
      const individual = asList<Doc>(xaView.Response.DataLists.PassengerList.Passenger)[0]!.Individual;
      expect([text(asList<Doc>(individual.GivenName)[0]), text(individual.Surname), text(individual.Birthdate)]).toEqual([PASSENGER.given, PASSENGER.surname, PASSENGER.birthdate]);
    });

    it('retrieves the order at the aggregator', async () => {
      const { doc } = await send(net.aggregator.ndcUrl, '21.3', 'OrderViewRS', orderRetrieveRq213(orderId, 'XA'));
      const order = asList<Doc>(doc.Response.Order)[0]!;
      expect(order.OrderID).toBe(orderId);
      expect(order.OwnerCode).toBe('XA');
    });

    it('takes the seller\'s payment by OrderChangeRQ, and pays XA with the aggregator\'s settlement card', async () => {
      const paid = await send(net.aggregator.ndcUrl, '21.3', 'OrderViewRS', payRq213(orderId, 'XA', SELLER_CARD, offer.total, offer.currency, `pay-${randomUUID()}`));
      expect(asList<Doc>(paid.doc.PaymentFunctions)).toHaveLength(1);
      expect(paid.text).not.toContain(SELLER_CARD);
      expect(asList<Doc>(paid.doc.Response.TicketDocInfo).length).toBeGreaterThan(0);

      const record = await oneOrder(orderId);
      const atAirline = await atXa(record.airline.orderId as string);
      const payments = asList<Doc>(atAirline.Payments?.Payment);
      expect(payments).toHaveLength(1);
      expect(payments[0]!.Status.StatusCode).toBe('Complete');
      expect(payments[0]!.Method.PaymentCardMethod.MaskedCardNumber).toBe(SETTLEMENT_CARD.slice(-4));
      expect(text(payments[0]!.Amount.SimpleCurrencyPrice)).toBe(offer.total);
    });

    it('cancels by OrderReshopRQ and OrderChangeRQ: the aggregator\'s order and XA\'s are both cancelled', async () => {
      const quote = await send(net.aggregator.ndcUrl, '21.3', 'OrderReshopRS', reshopCancelRq213(orderId));
      const cancelOffer = asList<Doc>(quote.doc.Response.ReshopResults.ReshopOffers.Offer)[0]!;
      await send(net.aggregator.ndcUrl, '21.3', 'OrderViewRS', acceptCancelRq213(orderId, 'XA', cancelOffer.OfferID as string, `cancel-${randomUUID()}`));

      const after = await send(net.aggregator.ndcUrl, '21.3', 'OrderViewRS', orderRetrieveRq213(orderId, 'XA'));
      expect(asList<Doc>(after.doc.Response.Order)[0]!.StatusCode).toBe('CLOSED');
      const record = await oneOrder(orderId);
      const atAirline = await atXa(record.airline.orderId as string);
      expect(atAirline.Status.StatusCode).toBe('CLS');
    });
  });

  it('a 17.2 seller books an offer of the 21.3 airline, paid by card, and cancels it: XB has the order, ticketed, under the reference the seller sees, then cancelled', async () => {
    const { doc, offer: picked } = await shopFor('17.2', 'XB');
    expect(new Set(offersOf172(doc).map((o) => o.owner))).toContain('XB');
    const priced = await send(net.aggregator.ndcUrl, '17.2', 'OfferPriceRS', offerPriceRq172(picked));
    const offer = { ...picked, total: text(priced.doc.PricedOffer.TotalPrice.DetailCurrencyPrice.Total)! };
    const created = await send(net.aggregator.ndcUrl, '17.2', 'OrderViewRS', orderCreateRq172(offer, `create-${randomUUID()}`, SELLER_CARD));
    const order = asList<Doc>(created.doc.Response.Order)[0]!;
    expect(attr(order, 'Owner')).toBe('XB');
    expect(created.text).not.toContain(SELLER_CARD);
    const orderId = attr(order, 'OrderID')!;

    const record = await oneOrder(orderId);
    expect(record.airline).toMatchObject({ owner: 'XB', orderId: expect.stringMatching(/^\S+$/) });
    const references = asList<Doc>(order.BookingReferences.BookingReference).map((ref) => [text(ref.ID), text(ref.AirlineID)]);
    expect(references).toContainEqual([record.airline.bookingReference, 'XB']);

    const atXb = await send(net.xb.ndcUrl, '21.3', 'OrderViewRS', orderRetrieveRq213(record.airline.orderId as string, 'XB'));
    const xbOrder = asList<Doc>(atXb.doc.Response.Order)[0]!;
    expect(xbOrder.OrderID).toBe(record.airline.orderId);
    expect(xbOrder.OwnerCode).toBe('XB');
    const xbPax = asList<Doc>(atXb.doc.Response.DataLists.PaxList.Pax)[0]!;
    expect([text(asList<Doc>(xbPax.Individual.GivenName)[0]), text(xbPax.Individual.Surname)]).toEqual([PASSENGER.given, PASSENGER.surname]);
    expect(text(xbOrder.TotalPrice.TotalAmount)).toBe(offer.total);
    expect(asList<Doc>(atXb.doc.Response.TicketDocInfo).length).toBeGreaterThan(0);

    // Cancelled by the 17.2 seller's OrderCancelRQ: XB's order is cancelled too.
    await send(net.aggregator.ndcUrl, '17.2', 'OrderCancelRS', cancelRq172(orderId, 'XB', `cancel-${randomUUID()}`));
    const after = await send(net.aggregator.ndcUrl, '17.2', 'OrderViewRS', orderRetrieveRq172(orderId, 'XB'));
    expect(asList<Doc>(after.doc.Response.Order)[0]!.Status.StatusCode).toBe('CLS');
    const cancelledAtXb = await send(net.xb.ndcUrl, '21.3', 'OrderViewRS', orderRetrieveRq213(record.airline.orderId as string, 'XB'));
    expect(asList<Doc>(cancelledAtXb.doc.Response.Order)[0]!.StatusCode).toBe('CLOSED');
  });
});
