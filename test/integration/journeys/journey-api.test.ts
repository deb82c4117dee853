import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import type { JourneyEvent, JourneyEventConsumer } from '../../../src/journeys/journey-event.ts';
import { JOURNEY_CHANNELS } from '../../../src/journeys/journey-states.ts';
import { dayFromToday } from '../../support/ndc-doc.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * The journey API against a gateway with two API clients, the reference airline and the reference
 * payment service, once with the in-process journey store and once with Redis: full journeys on
 * every channel, declines and retries, abandonment, cross-channel resume, refused transitions,
 * concurrent writes, and every answer checked against the OpenAPI document the gateway serves.
 */

const KEY_A = 'journey-a-key-5c0e9b1d27';
const KEY_B = 'journey-b-key-7a3f2e8c41';
const KEY_SHOP_ONLY = 'journey-c-key-1b9d4f6a03';
const APPROVED = '4111111111111111';
const DECLINED = '4000000000000002';
const REDIS_URL = 'redis://127.0.0.1:6379';
const TRAVEL = dayFromToday(30);

type Json = Record<string, any>;
interface Answer { status: number; body: Json }

/** Two agencies with every booking message, and one that may only shop. */
function writeClients(dir: string): string {
  const file = join(dir, 'clients.json');
  const messages = ['AirShoppingRQ', 'OfferPriceRQ', 'OrderCreateRQ', 'OrderRetrieveRQ', 'OrderChangeRQ', 'OrderCancelRQ'];
  writeFileSync(file, JSON.stringify([
    { id: 'journey-a', name: 'Shop A', apiKeys: [hashApiKey(KEY_A)], messages },
    { id: 'journey-b', name: 'Shop B', apiKeys: [hashApiKey(KEY_B)], messages },
    { id: 'journey-c', name: 'Shop C', apiKeys: [hashApiKey(KEY_SHOP_ONLY)], messages: ['AirShoppingRQ'] },
  ]));
  return file;
}

/** Removes what a test left in Redis under its prefix. */
async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

describe.each([
  { store: 'in-process', env: {} as Record<string, string> },
  { store: 'redis', env: { REDIS_URL } as Record<string, string> },
])('journey API with the $store store', ({ env }) => {
  let gw: RunningGateway;
  let dir: string;
  let base: string;
  let openApi: Json;
  let ajv: Ajv;
  const events: JourneyEvent[] = [];
  let consumer: JourneyEventConsumer;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key = KEY_A): Promise<Answer> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(key ? { 'x-api-key': key } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : JSON.parse(text) as Json };
  }

  /** Checks an answer against the schema the document gives it. */
  function expectDocumented(answer: Answer, path: string, method: string): void {
    const schema = openApi.paths[path]?.[method]?.responses?.[answer.status]?.content?.['application/json']?.schema as { $ref: string } | undefined;
    expect(schema, `${method} ${path} ${answer.status} is documented`).toBeDefined();
    const validate = ajv.compile({ $ref: `journey-openapi${schema!.$ref}` });
    expect(validate(answer.body), `${method} ${path} ${answer.status}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  }

  interface Started { journeyId: string; resumeToken: string }

  async function init(channel = 'web', key = KEY_A): Promise<Started> {
    const answer = await call('POST', '/shopping/init', { channel, customerRef: 'CUST-1' }, {}, key);
    expect(answer.status).toBe(201);
    expectDocumented(answer, '/shopping/init', 'post');
    return { journeyId: answer.body.journeyId, resumeToken: answer.body.resumeToken };
  }

  async function step(method: string, path: string, j: Started, body: Json = {}, key = KEY_A): Promise<Answer> {
    const answer = await call(method, path, { journeyId: j.journeyId, resumeToken: j.resumeToken, ...body }, {}, key);
    expectDocumented(answer, path, method.toLowerCase());
    return answer;
  }

  const search = (j: Started, extra: Json = {}) => step('POST', '/shopping/search', j, { origin: 'LHR', destination: 'FRA', date: TRAVEL, passengers: { adults: 1, children: 1 }, ...extra });
  const customer = {
    passengers: [
      { givenName: 'Ada', surname: 'Lovelace', birthdate: '1985-12-10', gender: 'FEMALE' },
      { givenName: 'Byron', surname: 'King', birthdate: `${Number(TRAVEL.slice(0, 4)) - 8}-05-01` },
    ],
    contact: { email: 'ada@example.com', phone: { countryDialingCode: '+44', number: '20 7946 0958' } },
  };
  const card = (number: string) => ({ card: { number, expiry: '12/30', cvv: '123', holderName: 'Ada Lovelace' } });

  /** A journey taken up to Customer_Data, with the cheapest offer priced. */
  async function toCustomerData(channel = 'web'): Promise<Started> {
    const j = await init(channel);
    expect((await search(j)).status).toBe(200);
    const offers = await call('GET', `/shopping/offers?journeyId=${encodeURIComponent(j.journeyId)}&limit=1`, undefined, { 'journey-resume-token': j.resumeToken });
    expect(offers.status).toBe(200);
    expect((await step('POST', '/booking/start', j, { offerId: offers.body.offers[0].offerId })).status).toBe(200);
    expect((await step('PUT', '/booking/customer', j, customer)).status).toBe(200);
    return j;
  }

  async function status(j: Started, key = KEY_A): Promise<Answer> {
    return call('GET', `/status/${encodeURIComponent(j.journeyId)}`, undefined, { 'journey-resume-token': j.resumeToken }, key);
  }

  async function orderOf(orderId: string, clientId = 'journey-a'): Promise<Json> {
    const result = await gw.gateway.deps.queue.send({
      name: 'order.retrieve', payload: { orderId }, meta: { correlationId: `test-${randomUUID()}`, version: 'rest', message: 'OrderRetrieveRQ', deadline: Date.now() + 10_000, clientId },
    }) as { order: Json };
    return result.order;
  }

  const eventsOf = (journeyId: string) => events.filter((e) => e.journeyId === journeyId);
  const transitionsOf = (journeyId: string) => eventsOf(journeyId).filter((e) => e.type === 'transition').map((e) => e.to);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'journey-api-'));
    gw = await startGateway({ NDC_VERSIONS: '21.3', CLIENTS_FILE: writeClients(dir), ...env });
    base = `${gw.url}/api/v1/journey`;
    consumer = gw.gateway.journeyEvents.consume(`test-${randomUUID()}`, 'test', async (batch) => {
      events.push(...batch);
    });
    const doc = await call('GET', '/openapi.json', undefined, {}, '');
    expect(doc.status).toBe(200);
    openApi = doc.body;
    ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, formats: { date: true, 'date-time': true, email: true } });
    ajv.addSchema(openApi, 'journey-openapi');
  });

  afterAll(async () => {
    await consumer?.stop();
    await gw?.close();
    if (env.REDIS_URL && gw) await dropRedisKeys(gw.config.queuePrefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves an OpenAPI 3.1 document describing every route, whose references all resolve', () => {
    expect(openApi.openapi).toBe('3.1.0');
    const operations = Object.entries(openApi.paths as Json).flatMap(([path, item]) => Object.keys(item as Json).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual([
      'POST /shopping/init', 'POST /shopping/search', 'PUT /shopping/filter', 'GET /shopping/offers', 'POST /booking/start',
      'PUT /booking/customer', 'POST /booking/payment', 'POST /booking/confirm', 'GET /status/{journeyId}', 'DELETE /{journeyId}', 'GET /openapi.json',
    ].sort());
    const refs = JSON.stringify(openApi).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) expect(() => ajv.compile({ $ref: `journey-openapi${ref.slice(8, -1)}` }), ref).not.toThrow();
  });

  it.each(JOURNEY_CHANNELS.map((channel) => [channel]))('runs a whole booking on the %s channel: search, filter, offers, select, customer, pay, confirm', async (channel) => {
    const j = await init(channel);
    const searched = await search(j);
    expect(searched.status).toBe(200);
    expect(searched.body.journey.state).toBe('Shopping');
    expect(searched.body.page.offers.length).toBeGreaterThan(0);

    const filtered = await step('PUT', '/shopping/filter', j, { maxStops: 0, cabin: 'ECONOMY' });
    expect(filtered.status).toBe(200);
    expect(filtered.body.journey.state).toBe('Shopping');
    const page = await call('GET', `/shopping/offers?journeyId=${encodeURIComponent(j.journeyId)}&limit=2`, undefined, { 'journey-resume-token': j.resumeToken });
    expectDocumented(page, '/shopping/offers', 'get');
    expect(page.body.offers.length).toBeGreaterThan(0);
    for (const offer of page.body.offers) expect(offer).toMatchObject({ stops: 0, cabin: 'ECONOMY' });
    const totals = page.body.offers.map((o: Json) => o.total);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    if (page.body.nextCursor) {
      const next = await call('GET', `/shopping/offers?journeyId=${encodeURIComponent(j.journeyId)}&limit=2&cursor=${page.body.nextCursor}`, undefined, { 'journey-resume-token': j.resumeToken });
      expect(next.status).toBe(200);
      expect(next.body.offers[0].total).toBeGreaterThanOrEqual(totals.at(-1));
    }

    const offerId = page.body.offers[0].offerId;
    const started = await step('POST', '/booking/start', j, { offerId });
    expect(started.status).toBe(200);
    expect(started.body.journey.state).toBe('Booking_Start');
    expect(started.body.priced).toMatchObject({ offerId, currency: expect.any(String) });

    expect((await step('PUT', '/booking/customer', j, customer)).body.journey.state).toBe('Customer_Data');
    const paid = await step('POST', '/booking/payment', j, card(APPROVED));
    expect(paid.status).toBe(200);
    expect(paid.body.journey.state).toBe('Order_Confirmation');
    const confirmed = await step('POST', '/booking/confirm', j);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.journey.state).toBe('Journey_Complete');
    expect(confirmed.body.orderId).toBe(paid.body.orderId);
    expect(confirmed.body.tickets.map((t: Json) => t.paxId).sort()).toEqual(['PAX1', 'PAX2']);

    const seen = await status(j);
    expectDocumented(seen, '/status/{journeyId}', 'get');
    expect(seen.body).toMatchObject({ state: 'Journey_Complete', orderId: paid.body.orderId, channel, allowedNext: [] });
    expect(seen.body.history.map((h: Json) => h.to)).toEqual([
      'Shopping', 'Offer_Selection', 'Booking_Start', 'Customer_Data', 'Payment_Process', 'Order_Confirmation', 'Ticket_Generation', 'Journey_Complete',
    ]);
    const order = await orderOf(paid.body.orderId);
    expect(order.documents.filter((d: Json) => d.type === 'ET')).toHaveLength(2);

    await waitFor(() => transitionsOf(j.journeyId).includes('Journey_Complete'));
    expect(transitionsOf(j.journeyId)).toEqual(['Journey_Init', ...seen.body.history.map((h: Json) => h.to)]);
    const mine = eventsOf(j.journeyId);
    expect(mine.every((e) => e.channel === channel && e.clientId === 'journey-a')).toBe(true);
    expect(new Set(mine.map((e) => e.eventId)).size).toBe(mine.length);
    expect(mine.filter((e) => e.type === 'ndc_message').map((e) => [e.message, e.version, e.outcome])).toEqual([['offer.shop', 'json', 'ok'], ['offer.price', 'json', 'ok']]);
    expect(mine.find((e) => e.to === 'Journey_Complete')).toMatchObject({ orderId: paid.body.orderId, partySize: 2, paymentFailures: 0, daysToDeparture: 30 });
  });

  it('takes a declined card to Payment_Retry (402), then completes with a card that is approved, on the same held order', async () => {
    const j = await toCustomerData();
    const declined = await step('POST', '/booking/payment', j, card(DECLINED));
    expect(declined.status).toBe(402);
    expect(declined.body.error.code).toBe('PAYMENT_DECLINED');
    expect(declined.body.journey).toMatchObject({ state: 'Payment_Retry', paymentFailures: 1 });
    expect(declined.body.error.message).toContain('2 attempt(s) left');
    const held = declined.body.journey.orderId as string;
    expect(held).toBeDefined();
    expect((await orderOf(held)).amountDue).toBeGreaterThan(0);

    const paid = await step('POST', '/booking/payment', j, card(APPROVED));
    expect(paid.status).toBe(200);
    expect(paid.body.orderId).toBe(held);
    expect((await step('POST', '/booking/confirm', j)).body.journey.state).toBe('Journey_Complete');
    expect((await status(j)).body.history.map((h: Json) => h.to)).toEqual([
      'Shopping', 'Offer_Selection', 'Booking_Start', 'Customer_Data', 'Payment_Process', 'Payment_Failed', 'Payment_Retry',
      'Payment_Process', 'Order_Confirmation', 'Ticket_Generation', 'Journey_Complete',
    ]);
  });

  it('abandons the journey at the third decline and releases the held seats', async () => {
    const j = await toCustomerData();
    for (const attempt of [1, 2, 3]) {
      const declined = await step('POST', '/booking/payment', j, card(DECLINED));
      expect(declined.status).toBe(402);
      expect(declined.body.journey.paymentFailures).toBe(attempt);
      expect(declined.body.journey.state).toBe(attempt < 3 ? 'Payment_Retry' : 'Journey_Abandoned');
    }
    const seen = (await status(j)).body;
    expect(seen.history.at(-1)).toMatchObject({ from: 'Payment_Retry', to: 'Journey_Abandoned', reason: 'payment_retries_exhausted' });
    const order = await orderOf(seen.orderId);
    expect(order.status).toBe('CLOSED');
    expect(order.items.every((item: Json) => item.status === 'CANCELLED')).toBe(true);
    const again = await step('POST', '/booking/payment', j, card(APPROVED));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('JOURNEY_TRANSITION_NOT_ALLOWED');
  });

  it('continues a journey on another channel with its id and resume token; the history shows both channels', async () => {
    const j = await init('web');
    await search(j);
    const offers = await call('GET', `/shopping/offers?journeyId=${encodeURIComponent(j.journeyId)}`, undefined, { 'journey-resume-token': j.resumeToken });
    const started = await call('POST', '/booking/start', { journeyId: j.journeyId, offerId: offers.body.offers[0].offerId }, { 'journey-resume-token': j.resumeToken, 'journey-channel': 'mobile' });
    expect(started.status).toBe(200);
    const moved = await step('PUT', '/booking/customer', j, { ...customer, channel: 'agent' });
    expect(moved.body.journey.channel).toBe('agent');
    const history = (await status(j)).body.history as Json[];
    expect(history.map((h) => [h.to, h.channel])).toEqual([
      ['Shopping', 'web'], ['Offer_Selection', 'mobile'], ['Booking_Start', 'mobile'], ['Customer_Data', 'agent'],
    ]);
    await waitFor(() => transitionsOf(j.journeyId).includes('Customer_Data'));
    expect(eventsOf(j.journeyId).filter((e) => e.type === 'transition').map((e) => e.channel)).toEqual(['web', 'web', 'mobile', 'mobile', 'agent']);
  });

  it('refuses a step the state table does not allow with 409, naming the state and the allowed next steps', async () => {
    const j = await init('api');
    const early = await step('PUT', '/booking/customer', j, customer);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('JOURNEY_TRANSITION_NOT_ALLOWED');
    expect(early.body.error.message).toContain('Journey_Init');
    expect(early.body.error.message).toContain('Allowed next: Shopping');
    expect(early.body.error.details).toContainEqual({ message: 'allowed next: Shopping', path: '/allowedNext' });
    const cancel = await call('DELETE', `/${encodeURIComponent(j.journeyId)}`, undefined, { 'journey-resume-token': j.resumeToken });
    expect(cancel.status).toBe(409);
    await search(j);
    const pay = await step('POST', '/booking/payment', j, card(APPROVED));
    expect(pay.status).toBe(409);
    expect(pay.body.error.message).toContain('Shopping');
    expect(pay.body.error.message).toContain('Offer_Selection, Journey_Abandoned');
    const left = await call('DELETE', `/${encodeURIComponent(j.journeyId)}?reason=no_selection`, undefined, { 'journey-resume-token': j.resumeToken });
    expect(left.status).toBe(200);
    expectDocumented(left, '/{journeyId}', 'delete');
    expect(left.body.journey.history.at(-1)).toMatchObject({ from: 'Shopping', to: 'Journey_Abandoned', reason: 'no_selection' });
    expect((await search(j)).status).toBe(409);
  });

  it('lets exactly one of two concurrent updates of a journey win', async () => {
    const j = await init('web');
    await search(j);
    const journeys = gw.gateway.journeys;
    const clientA = { id: 'journey-a' } as never;
    const context = (channel: 'web' | 'mobile') => ({ client: clientA, correlationId: randomUUID(), logger: gw.logger, channel });
    const outcomes = await Promise.allSettled([
      journeys.setFilter(context('web'), j, { maxStops: 0 }),
      journeys.setFilter(context('mobile'), j, { maxStops: 1 }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: 'JOURNEY_CONFLICT' });

    // Over HTTP: two payments at once; one pays, the other is refused, and one order exists.
    const k = await toCustomerData();
    const [first, second] = await Promise.all([step('POST', '/booking/payment', k, card(APPROVED)), step('POST', '/booking/payment', k, card(APPROVED))]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const refused = first.status === 409 ? first : second;
    expect(['JOURNEY_CONFLICT', 'JOURNEY_TRANSITION_NOT_ALLOWED']).toContain(refused.body.error.code);
    expect((await status(k)).body.state).toBe('Order_Confirmation');
  });

  it('hides a journey from other clients and from a wrong token (404 either way)', async () => {
    const j = await init('web');
    const other = await status(j, KEY_B);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('JOURNEY_NOT_FOUND');
    const wrong = await status({ ...j, resumeToken: 'not-the-token' });
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe('JOURNEY_NOT_FOUND');
    expect((await status({ journeyId: 'JRN-none', resumeToken: j.resumeToken })).status).toBe(404);
  });

  it('needs the NDC message permission of each step', async () => {
    const j = await init('web', KEY_SHOP_ONLY);
    const searched = await step('POST', '/shopping/search', j, { origin: 'LHR', destination: 'FRA', date: TRAVEL }, KEY_SHOP_ONLY);
    expect(searched.status).toBe(200);
    const selected = await step('POST', '/booking/start', j, { offerId: searched.body.page.offers[0].offerId }, KEY_SHOP_ONLY);
    expect(selected.status).toBe(403);
    expect(selected.body.error.code).toBe('MESSAGE_NOT_ALLOWED');
  });

  it('answers invalid customer data with 422 naming every problem, and does not move the journey', async () => {
    const j = await init('web');
    await search(j, { passengers: { adults: 1, children: 1, infants: 1 } });
    const offers = await call('GET', `/shopping/offers?journeyId=${encodeURIComponent(j.journeyId)}`, undefined, { 'journey-resume-token': j.resumeToken });
    await step('POST', '/booking/start', j, { offerId: offers.body.offers[0].offerId });
    const invalid = await step('PUT', '/booking/customer', j, {
      passengers: [
        { givenName: 'Ada', surname: '' },
        { givenName: 'Byron', surname: 'King' },
        { givenName: 'Cleo', surname: 'King', birthdate: '2001-01-01' },
      ],
      contact: { email: 'not-an-address', phone: { number: 'x' } },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('INVALID_BUSINESS_DATA');
    expect(invalid.body.error.details.map((d: Json) => d.path).sort()).toEqual([
      '/contact/email', '/contact/phone/number', '/passengers/0/surname', '/passengers/1/birthdate', '/passengers/2/birthdate',
    ]);
    expect((await status(j)).body.state).toBe('Booking_Start');
  });

  it('never keeps the card: the journey and its events hold no card number', async () => {
    const j = await toCustomerData();
    await step('POST', '/booking/payment', j, card(APPROVED));
    const record = await gw.gateway.journeyStore.get(j.journeyId);
    expect(JSON.stringify(record)).not.toContain(APPROVED);
    await waitFor(() => transitionsOf(j.journeyId).includes('Order_Confirmation'));
    expect(JSON.stringify(eventsOf(j.journeyId))).not.toContain(APPROVED);
  });
});
