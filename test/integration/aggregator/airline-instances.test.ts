import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNdcChecker, type NdcChecker } from '../../support/expect-valid-answer.ts';
import { airShoppingRq172, airShoppingRq213, offersOf172, offersOf213 } from '../../support/aggregator-messages.ts';
import type { GatewayProcess } from '../../support/gateway-process.ts';
import { dayFromToday, errorCodeOf } from '../../support/ndc-doc.ts';
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
});
