import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignVariant } from '../../../src/analytics/experiment-assignment.ts';
import { hashApiKey } from '../../../src/auth/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startGateway, startGatewayWithClients, type RunningGateway } from '../../support/start-gateway.ts';
import { seededEvents, WINDOW } from '../analytics/journey-event-fixtures.ts';

/**
 * The analytics API of a running gateway: events published on its journey stream reach the
 * reports through the recorder; access needs the analytics permission; bad filters are 400s naming
 * the parameter; experiments are started over HTTP, assigned to journeys started on the journey
 * API, read and stopped; every answer matches the OpenAPI document the gateway serves.
 */

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ANALYST_KEY = 'analyst-key-5b7e2c9d41';
const AGENCY_KEY = 'agency-key-1c3f8a6e20';

type Json = Record<string, any>;
interface Answer { status: number; body: Json; headers: Headers }

describe('analytics API', () => {
  let gw: RunningGateway;
  let base: string;
  let ajv: Ajv;
  let openApi: Json;
  const runId = `http-${randomUUID()}`;

  /** `key` '' sends no key. */
  async function call(method: string, path: string, body?: unknown, key = ANALYST_KEY): Promise<Answer> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(key ? { 'x-api-key': key } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : JSON.parse(text) as Json, headers: response.headers };
  }

  /** Checks an answer against the schema the document gives `method path status`. */
  function expectDocumented(path: string, method: string, answer: Answer): void {
    const schema = openApi.paths[path]?.[method]?.responses?.[answer.status]?.content?.['application/json']?.schema as Json | undefined;
    expect(schema, `${method} ${path} ${answer.status} is documented`).toBeDefined();
    const pointer = ['paths', path, method, 'responses', String(answer.status), 'content', 'application/json', 'schema'].map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
    const validate = ajv.compile({ $ref: `analytics-openapi#/${pointer}` });
    expect(validate(answer.body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  }

  beforeAll(async () => {
    gw = await startGatewayWithClients([
      { id: 'analyst', name: 'Revenue analyst', apiKeys: [hashApiKey(ANALYST_KEY)], messages: [], analytics: true },
      { id: 'agency', name: 'Agency', apiKeys: [hashApiKey(AGENCY_KEY)], messages: ['*'], admin: true, monitoring: true },
    ]);
    base = `${gw.url}/api/v1/analytics`;
    const doc = await call('GET', '/openapi.json', undefined, '');
    expect(doc.status).toBe(200);
    openApi = doc.body;
    ajv = addFormats(new Ajv({ strict: false, validateSchema: false, allErrors: true }));
    ajv.addSchema(openApi, 'analytics-openapi');
    const events = seededEvents(runId);
    for (const event of events) await gw.gateway.journeyEvents.publish(event);
    await waitFor(async () => (await call('GET', `/journey/funnel?from=${WINDOW.from}&to=${WINDOW.to}`)).body.steps?.[0]?.reached === 6);
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('answers the funnel, performance and conversion of the recorded journey events', async () => {
    const window = `from=${WINDOW.from}&to=${WINDOW.to}`;
    const funnel = await call('GET', `/journey/funnel?${window}&channel=ndc`);
    const performance = await call('GET', `/journey/performance?${window}&clientId=B`);
    const conversion = await call('GET', `/conversion/rate?${window}`);

    expect(funnel.status).toBe(200);
    expect(funnel.body.steps.map((s: Json) => s.reached)).toEqual([3, 3, 3, 2, 2, 2, 1, 1, 1]);
    expect(funnel.body.filter).toEqual({ ...WINDOW, channel: 'ndc' });
    expect(performance.body.messages.map((m: Json) => [m.message, m.count])).toEqual([['AirShoppingRQ', 5], ['OfferPriceRQ', 1], ['OrderCreateRQ', 2]]);
    expect(conversion.body.lookToBook).toEqual([
      { clientId: 'A', searches: 3, orders: 1, ratio: 3 }, { clientId: 'B', searches: 5, orders: 1, ratio: 5 }, { clientId: 'C', searches: 0, orders: 0, ratio: null },
    ]);
    expectDocumented('/journey/funnel', 'get', funnel);
    expectDocumented('/journey/performance', 'get', performance);
    expectDocumented('/conversion/rate', 'get', conversion);
  });

  it('refuses a bad filter with a 400 naming the parameter', async () => {
    const bad = await call('GET', '/journey/funnel?from=last-week');
    const channel = await call('GET', '/conversion/rate?channel=fax');

    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_COMMAND', details: [{ path: 'from' }] });
    expect(channel.body.error.details[0].path).toBe('channel');
    expectDocumented('/journey/funnel', 'get', bad);
  });

  it('lets only clients with the analytics permission in', async () => {
    const none = await call('GET', '/journey/funnel', undefined, '');
    const wrong = await call('GET', '/journey/funnel', undefined, 'not-a-key-of-anyone-here');
    const agency = await call('GET', '/journey/funnel', undefined, AGENCY_KEY);
    const startByAgency = await call('POST', '/experiments', { name: 'x', variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] }, AGENCY_KEY);

    expect([none.status, wrong.status, agency.status, startByAgency.status]).toEqual([401, 401, 403, 403]);
    expect(agency.body.error.code).toBe('MESSAGE_NOT_ALLOWED');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="ndc-gateway"');
    expectDocumented('/journey/funnel', 'get', agency);
  });

  it('starts an experiment, assigns it to new journeys, gives its results and stops it', async () => {
    const started = await call('POST', '/experiments', { id: 'checkout-copy', name: 'Checkout copy', variants: [{ name: 'old', weight: 1 }, { name: 'new', weight: 1 }] });
    const again = await call('POST', '/experiments', { id: 'checkout-copy', name: 'Checkout copy', variants: [{ name: 'old', weight: 1 }, { name: 'new', weight: 1 }] });
    const invalid = await call('POST', '/experiments', { name: 'One arm', variants: [{ name: 'only', weight: 1 }] });
    const twice = await call('POST', '/experiments', { name: 'Twice', variants: [{ name: 'a', weight: 1 }, { name: 'a', weight: 2 }] });

    expect(started.status).toBe(201);
    expect(started.headers.get('location')).toBe('/api/v1/analytics/experiments/checkout-copy');
    expect([again.status, invalid.status, twice.status]).toEqual([409, 400, 400]);
    expect(twice.body.error.details[0].path).toBe('/variants/1/name');
    expectDocumented('/experiments', 'post', started);
    expectDocumented('/experiments', 'post', again);

    await waitFor(async () => (await gw.gateway.experiments.running()).some((e) => e.id === 'checkout-copy'));
    // Journeys started on the journey API are assigned a variant and counted as exposures of it.
    const journeys: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${gw.url}/api/v1/journey/shopping/init`, {
        method: 'POST', headers: { 'x-api-key': AGENCY_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'web' }),
      });
      expect(response.status).toBe(201);
      journeys.push(((await response.json()) as Json).journeyId);
    }
    const variantOf = (journey: string): string => assignVariant('checkout-copy', journey, started.body.variants);
    const expected = journeys.filter((j) => variantOf(j) === 'new').length;
    await waitFor(async () => (await call('GET', '/experiments/checkout-copy')).body.variants?.reduce((sum: number, v: Json) => sum + v.exposures, 0) === 4);
    const results = await call('GET', '/experiments/checkout-copy');

    expect(results.status).toBe(200);
    expect(results.body.variants.map((v: Json) => [v.name, v.exposures])).toEqual([['old', 4 - expected], ['new', expected]]);
    expectDocumented('/experiments/{id}', 'get', results);

    const stopped = await call('POST', '/experiments/checkout-copy/stop');
    const list = await call('GET', '/experiments');
    const unknown = await call('GET', '/experiments/nope');

    expect(stopped.body).toMatchObject({ id: 'checkout-copy', status: 'stopped' });
    expect(list.body.experiments.map((e: Json) => [e.id, e.status])).toEqual([['checkout-copy', 'stopped']]);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('EXPERIMENT_NOT_FOUND');
    expectDocumented('/experiments/{id}/stop', 'post', stopped);
    expectDocumented('/experiments', 'get', list);
    expectDocumented('/experiments/{id}', 'get', unknown);
  });
});

describe('analytics API of the embedded demo', () => {
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGateway();
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('serves the demo client without a key, as the other APIs do', async () => {
    const response = await fetch(`${gw.url}/api/v1/analytics/journey/funnel`);

    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).steps).toHaveLength(9);
  });
});
