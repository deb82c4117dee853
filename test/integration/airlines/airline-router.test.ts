import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAirlineRouterFromFile } from '../../../src/airlines/airline-connectors.ts';
import type { AirlineRouter } from '../../../src/airlines/airline-router.ts';
import { parseAirlinesFile } from '../../../src/airlines/airlines-file.ts';
import type { OfferShopResult } from '../../../src/contracts/airline/index.ts';
import { checkAirlines } from '../../../src/health/health-checks.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createReferenceAirline, type ReferenceAirline } from '../../../src/reference/airline/index.ts';
import { startDelayingProxy, type DelayingProxy } from '../../support/delaying-proxy.ts';
import { failure } from '../../support/gateway-failure.ts';
import { closedPort } from '../../support/stub-server.ts';

type Shopped = OfferShopResult & { warnings?: { code: string; message: string; owner?: string }[] };

const logger = createLogger('silent');
const started: { close(): Promise<void> }[] = [];
const routers: AirlineRouter[] = [];
let alphaUrl: string;
let betaUrl: string;

/** Two airlines of different designators and hubs, both flying LHR-JFK through their networks. */
async function startAirline(designator: string, hubs: string[], port = 0): Promise<{ airline: ReferenceAirline; url: string }> {
  const airline = createReferenceAirline({ designator, name: `${designator} Air`, network: { hubs } });
  const { url } = await airline.listen(port, '127.0.0.1');
  started.push(airline);
  return { airline, url };
}

function routerOf(yaml: string): { router: AirlineRouter; registry: Registry } {
  const setup = parseAirlinesFile(yaml, 'airlines.yaml', { env: {} });
  const { router, metrics } = createAirlineRouterFromFile(setup, { logger, embeddedAirlineUrl: 'http://127.0.0.1:9' });
  const registry = new Registry();
  metrics.register(registry);
  routers.push(router);
  return { router, registry };
}

const date = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
const SHOP = { journeys: [{ origin: 'LHR', destination: 'JFK', date }], passengers: [{ id: 'P1', type: 'ADT' }], currency: 'EUR' };
const options = (ms = 5000): { correlationId: string; deadline: number } => ({ correlationId: 'router-test', deadline: Date.now() + ms });

beforeAll(async () => {
  alphaUrl = (await startAirline('XA', ['CDG', 'JFK'])).url;
  betaUrl = (await startAirline('XB', ['LHR', 'JFK'])).url;
}, 60_000);

afterAll(async () => {
  for (const router of routers) await router.close();
  for (const service of started) await service.close();
});

describe('airline router', () => {
  it('fans offer.shop out to both airlines and merges their offers by price, with unique data-list ids', async () => {
    const { router } = routerOf(`airlines:
  - { designator: XA, name: Alpha, kind: reference, url: '${alphaUrl}' }
  - { designator: XB, name: Beta, kind: reference, url: '${betaUrl}' }
`);
    const result = await router.call('offer.shop', SHOP, options()) as Shopped;
    const owners = new Set(result.offers.map((o) => o.owner));
    expect(owners).toEqual(new Set(['XA', 'XB']));
    expect(result.warnings).toBeUndefined();
    const totals = result.offers.map((o) => o.totalPrice.total);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    for (const list of [result.journeys.map((j) => j.journeyId), result.segments.map((s) => s.segmentId), result.fareFamilies.map((f) => f.code)]) {
      expect(new Set(list).size).toBe(list.length);
    }
    // Every id an offer refers to is in the lists, and the families of both airlines are told apart.
    const journeys = new Map(result.journeys.map((j) => [j.journeyId, j]));
    const segments = new Set(result.segments.map((s) => s.segmentId));
    const families = new Set(result.fareFamilies.map((f) => f.code));
    for (const offer of result.offers) {
      expect(families.has(offer.fareFamily)).toBe(true);
      for (const id of offer.journeyIds) for (const segmentId of journeys.get(id)!.segmentIds) expect(segments.has(segmentId)).toBe(true);
    }
    expect([...families].some((code) => code.startsWith('XB_'))).toBe(true);
    // Segment ids stay the airlines' own: they are sent back to them by service.list and seat.availability.
    expect(result.segments.every((s) => s.segmentId.startsWith(`SEG-${s.carrier}`))).toBe(true);

    const capped = await router.call('offer.shop', { ...SHOP, maxOffers: 3 }, options()) as Shopped;
    expect(capped.offers).toHaveLength(3);
  });

  it('sends every other command to the owner, and refuses an owner the file does not name', async () => {
    const { router, registry } = routerOf(`airlines:
  - { designator: XA, name: Alpha, kind: reference, url: '${alphaUrl}' }
  - { designator: XB, name: Beta, kind: reference, url: '${betaUrl}' }
`);
    const shopped = await router.call('offer.shop', SHOP, options()) as Shopped;
    const offer = shopped.offers.find((o) => o.owner === 'XB')!;
    const priced = await router.call('offer.price', { owner: 'XB', offerId: offer.offerId }, options()) as Shopped;
    expect(priced.offers[0]?.owner).toBe('XB');
    // XA never made that offer: the command went to XA.
    expect((await failure(router.call('offer.price', { owner: 'XA', offerId: offer.offerId }, options()))).code).toBe('OFFER_NOT_FOUND');
    const unknown = await failure(router.call('offer.price', { owner: 'ZZ', offerId: offer.offerId }, options()));
    expect(unknown.code).toBe('AIRLINE_UNKNOWN');
    expect(unknown.message).toContain('ZZ');

    const metrics = await registry.metrics();
    expect(metrics).toContain('ndc_airline_requests_total{airline="XB",command="offer.price",outcome="ok"} 1');
    expect(metrics).toContain('ndc_airline_requests_total{airline="XA",command="offer.price",outcome="OFFER_NOT_FOUND"} 1');
    expect(metrics).toMatch(/ndc_airline_request_duration_seconds_count\{airline="XA",command="offer.shop"\} 1/);
    expect(metrics).toContain('ndc_airline_breaker_state{airline="XA"} 0');
  });

  it('holds an order at its owner, records it, and sends the order\'s later commands there', async () => {
    const { router } = routerOf(`airlines:
  - { designator: XA, name: Alpha, kind: reference, url: '${alphaUrl}' }
  - { designator: XB, name: Beta, kind: reference, url: '${betaUrl}' }
`);
    const shopped = await router.call('offer.shop', SHOP, options()) as Shopped;
    const offer = shopped.offers.find((o) => o.owner === 'XB')!;
    const orderId = `ORD${Date.now()}`;
    const hold = await router.call('inventory.hold', {
      owner: 'XB', requestKey: `hold-${orderId}`, orderId, offerId: offer.offerId,
      passengers: [{ id: 'P1', type: 'ADT' }], flights: offer.offerItems.map((i, n) => ({ itemId: `IT${n + 1}`, offerItemId: i.offerItemId })),
    }, options()) as { airlineOrder: { owner: string; orderId: string } };
    expect(hold.airlineOrder).toEqual({ owner: 'XB', orderId });
    // No owner now: the link says XB, which knows the order (XA, the first airline, would not).
    const seats = await router.call('inventory.seats', { orderId }, options()) as { owner: string };
    expect(seats.owner).toBe('XB');
  });

  it('answers on time with the other airline\'s offers and AIRLINE_TIMEOUT when one is slow', async () => {
    const slow: DelayingProxy = await startDelayingProxy({ target: alphaUrl, delayMs: 3000, delayedPaths: ['/v1/offer.shop'] });
    started.push(slow);
    const { router } = routerOf(`airlines:
  - { designator: XA, name: Alpha, kind: reference, url: '${slow.url}', timeoutMs: 400, retries: 0 }
  - { designator: XB, name: Beta, kind: reference, url: '${betaUrl}' }
`);
    const begun = Date.now();
    const result = await router.call('offer.shop', SHOP, options()) as Shopped;
    expect(Date.now() - begun).toBeLessThan(1500);
    expect(new Set(result.offers.map((o) => o.owner))).toEqual(new Set(['XB']));
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'AIRLINE_TIMEOUT', owner: 'XA' })]);
    expect(result.warnings?.[0]?.message).toContain('XA');

    // Inside a request deadline shorter than the airline's own timeout, that deadline wins.
    const { router: patient } = routerOf(`airlines:
  - { designator: XA, name: Alpha, kind: reference, url: '${slow.url}', timeoutMs: 20000, retries: 0 }
  - { designator: XB, name: Beta, kind: reference, url: '${betaUrl}' }
`);
    const early = Date.now();
    const answer = await patient.call('offer.shop', SHOP, options(800)) as Shopped;
    expect(Date.now() - early).toBeLessThan(800);
    expect(answer.warnings?.map((w) => w.code)).toEqual(['AIRLINE_TIMEOUT']);
  });

  it('answers with AIRLINE_FAILED while an airline is down, opens its breaker, and closes it once it is back', async () => {
    const port = await closedPort();
    const { router, registry } = routerOf(`airlines:
  - { designator: XA, name: Alpha, kind: reference, url: 'http://127.0.0.1:${port}', retries: 0, breaker: { volumeThreshold: 2, resetTimeoutMs: 300 } }
  - { designator: XB, name: Beta, kind: reference, url: '${betaUrl}' }
`);
    const checks = checkAirlines(router.connectors);
    for (let i = 0; i < 3; i += 1) {
      const result = await router.call('offer.shop', SHOP, options()) as Shopped;
      expect(result.offers.every((o) => o.owner === 'XB')).toBe(true);
      expect(result.warnings).toEqual([expect.objectContaining({ code: 'AIRLINE_FAILED', owner: 'XA' })]);
    }
    const xa = router.connectors.find((c) => c.designator === 'XA')!;
    expect(xa.breakerState()).toBe('open');
    expect(await registry.metrics()).toContain('ndc_airline_breaker_state{airline="XA"} 2');
    expect(await checks.airlines!()).toEqual({ ok: true, detail: {
      XA: { kind: 'reference', reachable: false, breaker: 'open' },
      XB: { kind: 'reference', reachable: true, breaker: 'closed' },
    } });

    await startAirline('XA', ['CDG', 'JFK'], port);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const back = await router.call('offer.shop', SHOP, options()) as Shopped;
    expect(new Set(back.offers.map((o) => o.owner))).toEqual(new Set(['XA', 'XB']));
    expect(back.warnings).toBeUndefined();
    expect(xa.breakerState()).toBe('closed');
    expect(await registry.metrics()).toContain('ndc_airline_breaker_state{airline="XA"} 0');
  });

  it('asks only the airlines that fly the route, and passes a lone airline\'s answer as it is', async () => {
    const { router, registry } = routerOf(`airlines:
  - { designator: XA, name: Alpha, kind: reference, url: '${alphaUrl}', serves: { airports: [CDG, JFK] } }
  - { designator: XB, name: Beta, kind: reference, url: '${betaUrl}', serves: { routes: [LHR-JFK] } }
`);
    const result = await router.call('offer.shop', SHOP, options()) as Shopped;
    expect(new Set(result.offers.map((o) => o.owner))).toEqual(new Set(['XB']));
    expect(await registry.metrics()).not.toContain('airline="XA",command="offer.shop"');
    expect((await failure(router.call('offer.shop', { ...SHOP, journeys: [{ origin: 'SYD', destination: 'GRU', date }] }, options()))).code).toBe('NO_AVAILABILITY');
  });
});
