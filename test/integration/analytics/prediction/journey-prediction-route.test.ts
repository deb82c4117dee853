import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../../../src/auth/client-registry.ts';
import { recordJourneyEvents } from '../../../../src/analytics/journey-event-recorder.ts';
import { createLogger } from '../../../../src/log/logger.ts';
import { createPgOrderStore, type OrderStore } from '../../../../src/orders/index.ts';
import { startGateway, startGatewayWithClients, type RunningGateway } from '../../../support/start-gateway.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { buildInformativePopulation, JourneyScript } from './journey-population.ts';

const headers = { authorization: `Bearer ${DEMO_API_KEY}` };

async function getJson(url: string, init: RequestInit = { headers }): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('GET /api/v1/analytics/journey/prediction/{journey_id}', () => {
  let gw: RunningGateway;
  let tables: OrderStore;

  beforeAll(async () => {
    gw = await startGateway({ PREDICTION_RETRAIN_MS: '1000', PREDICTION_MIN_JOURNEYS: '200' });
    // The same schema as the gateway's order store, as a second process would see it.
    tables = createPgOrderStore({ connectionString: gw.config.databaseUrl!, schema: gw.config.databaseSchema, logger: createLogger('silent'), poolSize: 2 });
    await tables.migrate();
  });

  afterAll(async () => {
    await tables?.close();
    await gw?.close();
  });

  it('answers 404 for a journey without events and 503 before a model, then the probability from the model the job trains', async () => {
    const base = `${gw.url}/api/v1/analytics/journey/prediction`;
    const unknown = await getJson(`${base}/no-such-journey`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'JOURNEY_EVENTS_NOT_FOUND' } });

    const now = Date.now();
    const sql = await tables.sql();
    const live = (id: string, channel: 'agent' | 'gds', partySize: number, daysToDeparture: number): JourneyScript =>
      new JourneyScript(id, 'demo', { channel, partySize, daysToDeparture }, now - 300_000).throughCustomerData(() => 30);
    await recordJourneyEvents(sql, [...live('route-good', 'agent', 1, 2).events, ...live('route-bad', 'gds', 5, 160).events]);
    const early = await getJson(`${base}/route-good`);
    expect(early.status).toBe(503);
    expect(early.body).toMatchObject({ error: { code: 'PREDICTION_MODEL_UNAVAILABLE' } });

    const population = buildInformativePopulation(1000, 21, 'route', now - 86_400_000);
    // One statement, so the job that runs every second sees all of them or none.
    await recordJourneyEvents(sql, population);
    // The gateway's retrain job (every second here) picks the journeys up with no call from the test.
    await waitFor(async () => (await fetch(`${base}/route-good`, { headers })).status === 200, 200);

    const good = await getJson(`${base}/route-good`);
    const bad = await getJson(`${base}/route-bad`);
    expect(good.body).toMatchObject({ journeyId: 'route-good', model: { trainingJourneys: expect.any(Number), heldOutAuc: expect.any(Number) } });
    const model = good.body.model as { trainingJourneys: number; heldOutAuc: number; features: string[]; trainedAt: string };
    expect(model.trainingJourneys).toBeGreaterThan(700);
    expect(model.heldOutAuc).toBeGreaterThanOrEqual(0.8);
    expect(model.features).toContain('daysToDeparture');
    expect(Number.isNaN(Date.parse(model.trainedAt))).toBe(false);
    const goodP = good.body.completionProbability as number;
    const badP = bad.body.completionProbability as number;
    expect(goodP).toBeGreaterThan(badP);
    expect(goodP).toBeGreaterThan(0.5);
    expect(badP).toBeLessThan(0.5);
  }, 60_000);

  it('scores a journey run on the journey API once the recorder has its events, and knows the outcome once it is abandoned', async () => {
    const journey = async (method: string, path: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, any> }> => {
      const response = await fetch(`${gw.url}/api/v1/journey${path}`, { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const started = await journey('POST', '/shopping/init', { channel: 'agent' });
    expect(started.status).toBe(201);
    const { journeyId, resumeToken } = started.body as { journeyId: string; resumeToken: string };
    const date = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    expect((await journey('POST', '/shopping/search', { journeyId, resumeToken, origin: 'LHR', destination: 'FRA', date, passengers: { adults: 1 } })).status).toBe(200);
    const url = `${gw.url}/api/v1/analytics/journey/prediction/${encodeURIComponent(journeyId)}`;
    // The events reach the table through the stream and the recorder, a moment after the step.
    await waitFor(async () => (await fetch(url, { headers })).status === 200, 100);
    const live = (await getJson(url)).body.completionProbability as number;
    expect(live).toBeGreaterThan(0);
    expect(live).toBeLessThan(1);

    const left = await fetch(`${gw.url}/api/v1/journey/${encodeURIComponent(journeyId)}?reason=exit`, { method: 'DELETE', headers: { ...headers, 'journey-resume-token': resumeToken } });
    expect(left.status).toBe(200);
    await waitFor(async () => (await getJson(url)).body.completionProbability === 0, 100);
  }, 60_000);

  it('is described in the analytics OpenAPI document', async () => {
    const { body } = await getJson(`${gw.url}/api/v1/analytics/openapi.json`);
    expect(body.paths).toHaveProperty(['/journey/prediction/{journey_id}', 'get', 'operationId'], 'getJourneyPrediction');
    expect(body.components).toHaveProperty(['schemas', 'JourneyPrediction']);
  });

});

describe('journey prediction permission', () => {
  it('refuses a client without the analytics permission', async () => {
    const gw = await startGatewayWithClients([{ id: 'seller', name: 'Seller', apiKeys: ['seller-key-0123456789abcdef'], messages: ['*'] }]);
    try {
      const response = await fetch(`${gw.url}/api/v1/analytics/journey/prediction/any`, { headers: { authorization: 'Bearer seller-key-0123456789abcdef' } });
      expect(response.status).toBe(403);
    } finally {
      await gw.close();
    }
  });
});
