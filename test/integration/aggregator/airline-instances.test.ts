import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNdcChecker, type NdcChecker } from '../../support/expect-valid-answer.ts';
import { randomUUID } from 'node:crypto';
import {
  acceptCancelRq213, airShoppingRq172, airShoppingRq213, cancelRq172, offerPriceRq172, offerPriceRq213, offersOf172, offersOf213, orderCreateRq172, orderCreateRq213,
  orderRetrieveRq172, orderRetrieveRq213, payRq172, payRq213, reshopCancelRq213,
} from '../../support/aggregator-messages.ts';
import { SETTLEMENT_CARD } from '../../support/start-airline-network.ts';
import type { GatewayProcess } from '../../support/gateway-process.ts';
import { asList, attr, dayFromToday, errorCodeOf, text, type Doc } from '../../support/ndc-doc.ts';
import { AIRLINE_XA, AIRLINE_XB, startNdcAirline } from '../../support/start-airline-network.ts';
import { postXml } from '../../support/start-gateway.ts';

/**
 * The two airlines the aggregator tests put behind the aggregator, shopped directly: XA a gateway
 * process serving only NDC 17.2, XB one serving 21.3, each in front of its own reference airline
 * with its own designator and hubs, so they answer the same route with different offers.
 */
describe('the airline instances of the aggregator tests, shopped directly', () => {
  let xa: GatewayProcess;
  let xb: GatewayProcess;
  let checker: NdcChecker;
  const date = dayFromToday(30);

  beforeAll(async () => {
    [xa, xb, checker] = await Promise.all([startNdcAirline(AIRLINE_XA), startNdcAirline(AIRLINE_XB), createNdcChecker(['17.2', '21.3'])]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([xa?.stop(), xb?.stop()]);
    checker?.dispose();
  });

  it('XA answers a 17.2 AirShoppingRQ with its own offers, Owner XA', async () => {
    const answer = await postXml(xa.ndcUrl, airShoppingRq172('CPH', 'LIS', date));
    expect(answer.status).toBe(200);
    const offers = offersOf172(checker.expectValid('17.2', 'AirShoppingRS', answer.text));
    expect(offers.length).toBeGreaterThan(0);
    expect(new Set(offers.map((o) => o.owner))).toEqual(new Set(['XA']));
  });

  it('XB answers a 21.3 AirShoppingRQ for the same route (CPH-LIS, outside the fixture schedule) with its own offers, OwnerCode XB, at other prices', async () => {
    const answer = await postXml(xb.ndcUrl, airShoppingRq213('CPH', 'LIS', date));
    expect(answer.status).toBe(200);
    const offers = offersOf213(checker.expectValid('21.3', 'AirShoppingRS', answer.text));
    expect(offers.length).toBeGreaterThan(0);
    expect(new Set(offers.map((o) => o.owner))).toEqual(new Set(['XB']));

    const xaOffers = offersOf172(checker.parse('17.2', 'AirShoppingRS', (await postXml(xa.ndcUrl, airShoppingRq172('CPH', 'LIS', date))).text));
    expect(offers.map((o) => o.total).sort()).not.toEqual(xaOffers.map((o) => o.total).sort());
  });

  it('XA speaks only 17.2: a 21.3 AirShoppingRQ is refused', async () => {
    const answer = await postXml(xa.ndcUrl, airShoppingRq213('CPH', 'LIS', date));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(errorCodeOf(answer.text) ?? answer.text).toMatch(/VERSION|UNSUPPORTED|NOT_SERVED|MESSAGE/);
  });

  it('XA holds a 17.2 order without payment, retrieves it, takes its payment by OrderChangeRQ and cancels it', async () => {
    const shop = offersOf172(checker.expectValid('17.2', 'AirShoppingRS', (await postXml(xa.ndcUrl, airShoppingRq172('CPH', 'LIS', date))).text));
    const priced = checker.expectValid('17.2', 'OfferPriceRS', (await postXml(xa.ndcUrl, offerPriceRq172(shop[0]!))).text);
    const offer = { ...shop[0]!, total: text(priced.PricedOffer.TotalPrice.DetailCurrencyPrice.Total)! };
    const held = checker.expectValid('17.2', 'OrderViewRS', (await postXml(xa.ndcUrl, orderCreateRq172(offer, `hold-${randomUUID()}`))).text);
    expect(held.Errors).toBeUndefined();
    const order = asList<Doc>(held.Response.Order)[0]!;
    const orderId = attr(order, 'OrderID')!;
    expect(attr(order, 'Owner')).toBe('XA');
    expect(order.Payments).toBeUndefined();
    const retrieved = checker.expectValid('17.2', 'OrderViewRS', (await postXml(xa.ndcUrl, orderRetrieveRq172(orderId, 'XA'))).text);
    expect(attr(asList<Doc>(retrieved.Response.Order)[0], 'OrderID')).toBe(orderId);
    const paid = checker.expectValid('17.2', 'OrderViewRS', (await postXml(xa.ndcUrl, payRq172(orderId, 'XA', SETTLEMENT_CARD, offer.total, offer.currency, `pay-${randomUUID()}`))).text);
    expect(paid.Errors).toBeUndefined();
    expect(asList<Doc>(asList<Doc>(paid.Response.Order)[0]!.Payments.Payment)).toHaveLength(1);
    const cancelled = checker.expectValid('17.2', 'OrderCancelRS', (await postXml(xa.ndcUrl, cancelRq172(orderId, 'XA', `cancel-${randomUUID()}`))).text);
    expect(cancelled.Errors).toBeUndefined();
  });

  it('XB holds a 21.3 order without payment, retrieves it, takes its payment and cancels it by OrderReshopRQ and OrderChangeRQ', async () => {
    const shop = offersOf213(checker.expectValid('21.3', 'AirShoppingRS', (await postXml(xb.ndcUrl, airShoppingRq213('CPH', 'LIS', date))).text));
    const priced = checker.expectValid('21.3', 'OfferPriceRS', (await postXml(xb.ndcUrl, offerPriceRq213(shop[0]!))).text);
    const offer = { ...shop[0]!, total: text(priced.Response.PricedOffer.TotalPrice.TotalAmount)! };
    const held = checker.expectValid('21.3', 'OrderViewRS', (await postXml(xb.ndcUrl, orderCreateRq213(offer, `hold-${randomUUID()}`))).text);
    expect(held.Error).toBeUndefined();
    const order = asList<Doc>(held.Response.Order)[0]!;
    expect(order.OwnerCode).toBe('XB');
    const retrieved = checker.expectValid('21.3', 'OrderViewRS', (await postXml(xb.ndcUrl, orderRetrieveRq213(order.OrderID, 'XB'))).text);
    expect(asList<Doc>(retrieved.Response.Order)[0]!.OrderID).toBe(order.OrderID);
    const paid = checker.expectValid('21.3', 'OrderViewRS', (await postXml(xb.ndcUrl, payRq213(order.OrderID, 'XB', SETTLEMENT_CARD, offer.total, offer.currency, `pay-${randomUUID()}`))).text);
    expect(paid.Error).toBeUndefined();
    expect(asList<Doc>(paid.PaymentFunctions)).toHaveLength(1);
    const quote = checker.expectValid('21.3', 'OrderReshopRS', (await postXml(xb.ndcUrl, reshopCancelRq213(order.OrderID))).text);
    expect(quote.Error).toBeUndefined();
    const cancelOfferId = asList<Doc>(quote.Response.ReshopResults.ReshopOffers.Offer)[0]!.OfferID as string;
    const cancelled = checker.expectValid('21.3', 'OrderViewRS', (await postXml(xb.ndcUrl, acceptCancelRq213(order.OrderID, 'XB', cancelOfferId, `cancel-${randomUUID()}`))).text);
    expect(cancelled.Error).toBeUndefined();
  });
});
