import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { request } from 'undici';
import { createReferenceAirline, type ReferenceAirline } from '../../../src/reference/airline/index.ts';
import type { OfferPriceResult, OfferShopResult, SeatAvailabilityResult, ServiceListResult } from '../../../src/contracts/airline/index.ts';
import { createAirlineClient, type AirlineClient } from '../../../src/downstream/index.ts';
import { GatewayError } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { dayAfterToday, expectConsistentPrice, expectValidResult, TODAY } from '../../unit/airline/airline-test-support.ts';

let clock = TODAY.getTime();
const logLines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let airline: ReferenceAirline;
let client: AirlineClient;
let url: string;

const shopCommand = {
  currency: 'EUR',
  journeys: [{ origin: 'LHR', destination: 'JNB', date: dayAfterToday(45) }, { origin: 'JNB', destination: 'LHR', date: dayAfterToday(59) }],
  passengers: [{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'ADT' }, { id: 'PAX3', type: 'CHD' }, { id: 'PAX4', type: 'INF' }],
};

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the airline to refuse');
}

async function shop(correlationId = 'test-shop'): Promise<OfferShopResult> {
  const result = await client.call('offer.shop', shopCommand, { correlationId });
  expectValidResult('offer.shop', result);
  return result as OfferShopResult;
}

beforeAll(async () => {
  airline = createReferenceAirline({ designator: 'XR', name: 'Reference Air', now: () => new Date(clock), offerTtlSeconds: 1800, logger: createLogger('info', sink) });
  url = (await airline.listen(0)).url;
  client = createAirlineClient({ baseUrl: url, timeoutMs: 5000, retries: 1 });
});

afterAll(async () => {
  await client.close();
  await airline.close();
});

describe('reference airline over HTTP', () => {
  it('answers health checks', async () => {
    expect(await client.isReachable()).toBe(true);
  });

  it('shops, then prices the returned offer to the same total', async () => {
    const shopped = await shop();
    expect(shopped.offers.length).toBeGreaterThan(0);
    for (const offer of shopped.offers) {
      expect(offer.owner).toBe('XR');
      expectConsistentPrice(offer.totalPrice);
    }
    const offer = shopped.offers[0];
    const priced = await client.call('offer.price', { offerId: offer?.offerId, passengers: shopCommand.passengers }, { correlationId: 'test-price' }) as OfferPriceResult;
    expectValidResult('offer.price', priced);
    expect(priced.priceChanged).toBe(false);
    expect(priced.offers).toHaveLength(1);
    expect(priced.offers[0]?.offerId).toBe(offer?.offerId);
    expect(priced.offers[0]?.totalPrice.total).toBe(offer?.totalPrice.total);
  });

  it('answers OFFER_NOT_FOUND for an offer it never made', async () => {
    const error = await refusal(client.call('offer.price', { offerId: 'SRNOSUCHOFFER-OF1' }, { correlationId: 'test-unknown' }));
    expect(error.code).toBe('OFFER_NOT_FOUND');
    expect(error.message).toContain('SRNOSUCHOFFER-OF1');
  });

  it('answers OFFER_EXPIRED once the offer time to live has passed', async () => {
    const offerId = (await shop()).offers[0]?.offerId;
    clock += 31 * 60_000;
    try {
      const error = await refusal(client.call('offer.price', { offerId }, { correlationId: 'test-expired' }));
      expect(error.code).toBe('OFFER_EXPIRED');
    } finally {
      clock = TODAY.getTime();
    }
  });

  it('shows seat maps for a shopped offer', async () => {
    const shopped = await shop();
    const result = await client.call('seat.availability', { offerId: shopped.offers[0]?.offerId }, { correlationId: 'test-seats' }) as SeatAvailabilityResult;
    expectValidResult('seat.availability', result);
    expect(result.seatMaps.map((m) => m.segmentId)).toEqual(result.segments.map((s) => s.segmentId));
    expect(result.passengers.map((p) => p.id)).toEqual(['PAX1', 'PAX2', 'PAX3', 'PAX4']);
    for (const item of result.offerItems) expect(item.paxIds).not.toContain('PAX4');
  });

  it('lists services for a shopped offer', async () => {
    const shopped = await shop();
    const result = await client.call('service.list', { offerId: shopped.offers[0]?.offerId, currency: 'GBP' }, { correlationId: 'test-services' }) as ServiceListResult;
    expectValidResult('service.list', result);
    expect(result.services.length).toBeGreaterThan(0);
    expect(result.services.every((s) => s.price.currency === 'GBP')).toBe(true);
  });

  it('answers business refusals with their codes: unknown location, no availability, unknown order', async () => {
    const journeys = [{ origin: 'LHR', destination: 'QQQ', date: dayAfterToday(10) }];
    expect((await refusal(client.call('offer.shop', { ...shopCommand, journeys }, { correlationId: 'test-loc' }))).code).toBe('UNKNOWN_LOCATION');
    const past = [{ origin: 'LHR', destination: 'JNB', date: dayAfterToday(-3) }];
    expect((await refusal(client.call('offer.shop', { ...shopCommand, journeys: past }, { correlationId: 'test-past' }))).code).toBe('NO_AVAILABILITY');
    const order = await refusal(client.call('seat.availability', { orderId: 'XYZ' }, { correlationId: 'test-order' }));
    expect(order.code).toBe('INVALID_BUSINESS_DATA');
    expect(order.message).toBe('order XYZ not found');
  });

  it('answers 400 with the offending field for a command that breaks its schema', async () => {
    const response = await request(`${url}/v1/offer.shop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ journeys: [] }) });
    expect(response.statusCode).toBe(400);
    const body = await response.body.json() as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('INVALID_COMMAND');
    expect(body.error.details.map((d) => d.path)).toContain('/journeys');
    const viaClient = await refusal(client.call('offer.shop', { journeys: [] }, { correlationId: 'test-invalid' }));
    expect(viaClient.code).toBe('INVALID_COMMAND');
  });

  it('answers 422 with a business code in the body, and 404 for unknown commands', async () => {
    const response = await request(`${url}/v1/offer.price`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offerId: 'nope' }) });
    expect(response.statusCode).toBe(422);
    expect(await response.body.json()).toEqual({ error: { code: 'OFFER_NOT_FOUND', message: 'Offer nope is unknown', details: [{ message: 'unknown offer nope', path: '/offerId' }] } });
    const unknown = await request(`${url}/v1/order.create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unknown.statusCode).toBe(404);
    await unknown.body.dump();
  });

  it('logs each call as JSON with the caller correlation id', async () => {
    await shop('corr-logged-1');
    const line = logLines.find((l) => l.correlationId === 'corr-logged-1' && l.msg === 'airline request');
    expect(line).toMatchObject({ status: 200, path: '/v1/offer.shop', method: 'POST' });
  });
});
