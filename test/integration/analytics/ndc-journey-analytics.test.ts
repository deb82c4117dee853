import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioSuite, runScenarioSuites } from '../../../src/tools/scenario/index.ts';
import { REDIS_URL } from '../../support/paths.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';
import { deleteRedisKeys } from '../journeys/journey-store-fixtures.ts';

/**
 * From NDC traffic to the analytics API, through the whole gateway: the shipped 21.3 and 17.2
 * booking scenarios (AirShopping → OfferPrice → … → OrderCreate) make journeys of the seller,
 * their events go through the journey stream and the recorder into the tables, and the funnel,
 * look-to-book and message latency count them. Once with the in-process stream and PostgreSQL,
 * once with the Redis Stream and its consumer group.
 */

type Json = Record<string, any>;

describe.each([
  ['in-process stream', {}],
  ['Redis Stream', { REDIS_URL }],
])('NDC sellers in the analytics (%s)', (_name, env: Record<string, string>) => {
  let gw: RunningGateway;
  const from = new Date(Date.now() - 60_000).toISOString();

  async function report(path: string, query = ''): Promise<Json> {
    const response = await fetch(`${gw.url}/api/v1/analytics${path}?from=${from}&channel=ndc${query}`, { headers: { 'x-api-key': 'demo-key' } });
    expect(response.status).toBe(200);
    return response.json() as Promise<Json>;
  }

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3,17.2', ...env });
  });

  afterAll(async () => {
    await gw?.close();
    // The queue, the journeys and the stream all live under the gateway's own QUEUE_PREFIX.
    if (gw && env.REDIS_URL) await deleteRedisKeys(gw.config.queuePrefix);
  });

  it('counts a 21.3 and a 17.2 shop → price → create in the funnel, look-to-book and message latency', async () => {
    const scenarios = await runScenarioSuites([loadScenarioSuite('scenarios/booking-21.3'), loadScenarioSuite('scenarios/booking-17.2')], {
      url: gw.url, schemaPath: gw.config.schemaPath, xsdEngine: gw.config.xsdEngine,
    });
    expect(scenarios.summary).toMatchObject({ failed: 0, errors: 0 });

    await waitFor(async () => (await report('/journey/funnel')).steps.at(-1).reached === 2);
    // Messages after the order (retrieve, change, cancel) are recorded after their answers.
    await waitFor(async () => (await report('/journey/performance')).messages.some((m: Json) => m.message === 'OrderCancelRQ' || m.message === 'OrderChangeRQ'));
    const funnel = await report('/journey/funnel');
    const conversion = await report('/conversion/rate');
    const performance = await report('/journey/performance');

    // Both sellers' journeys went the whole happy path.
    expect(funnel.steps.map((s: Json) => s.reached)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(funnel.dropOff).toEqual([]);
    // One AirShopping and one order per scenario.
    expect(conversion.lookToBook).toEqual([{ clientId: 'demo', searches: 2, orders: 2, ratio: 1 }]);
    expect(conversion.rates).toEqual([expect.objectContaining({ channel: 'ndc', clientId: 'demo', started: 2, completed: 2, rate: 1 })]);
    const messages = Object.fromEntries(performance.messages.map((m: Json) => [m.message, m]));
    for (const message of ['AirShoppingRQ', 'OfferPriceRQ', 'OrderCreateRQ']) {
      expect(messages[message], message).toMatchObject({ count: 2, errorRate: 0 });
      expect(messages[message].p50Ms, message).toBeGreaterThan(0);
    }
    expect(performance.steps.map((s: Json) => s.state)).toContain('Payment_Process');
  });
});
