import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, it, expect } from 'vitest';
import { loadAirlineContract } from '../../../src/contracts/airline/index.ts';
import { createAirlineClient, type AirlineClient, type AirlineClientOptions } from '../../../src/downstream/index.ts';
import { failure } from '../../support/gateway-failure.ts';
import { FIXTURES_PATH } from '../../support/paths.ts';
import { closedPort, json, startStubServer, type StubHandler, type StubServer } from '../../support/stub-server.ts';

type Behaviour = StubHandler;

/** Answers of the reference airline that keep to the contract, from the mapping fixtures. */
const answerOf = (fixture: string): Record<string, unknown> => JSON.parse(readFileSync(join(FIXTURES_PATH, 'mapping', '21.3', fixture, 'result.json'), 'utf8')) as Record<string, unknown>;
const SHOP_RESULT = answerOf('air-shopping-single-adult-direct-default-currency');
const PRICE_RESULT = answerOf('offer-price-all-items');
/** One contract for every client here, so its schemas are compiled once, as in a process with one client. */
const contract = loadAirlineContract();

let server: StubServer;
let baseUrl: string;
let behaviour: Behaviour = (_req, res) => res.end('{}');
const calls: { path: string; correlationId: string | undefined; body: string }[] = [];
const clients: AirlineClient[] = [];

function client(overrides: Partial<AirlineClientOptions> = {}): AirlineClient {
  const created = createAirlineClient({ baseUrl, timeoutMs: 1000, retries: 2, retryBackoffMs: 5, contract, ...overrides });
  clients.push(created);
  return created;
}

beforeAll(async () => {
  server = await startStubServer((req, res, body) => {
    calls.push({ path: req.url ?? '', correlationId: req.headers['x-correlation-id'] as string | undefined, body });
    behaviour(req, res, body);
  });
  baseUrl = server.url;
});

afterEach(async () => {
  calls.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await server.close();
});

describe('airline client', () => {
  it('posts the command with the correlation id and returns the JSON result', async () => {
    behaviour = (_req, res) => json(res, 200, SHOP_RESULT);
    const result = await client().call('offer.shop', { a: 1 }, { correlationId: 'corr-1' });
    expect(result).toEqual(SHOP_RESULT);
    expect(calls).toEqual([{ path: '/v1/offer.shop', correlationId: 'corr-1', body: '{"a":1}' }]);
  });

  it('keeps the connection open between calls instead of connecting for each', async () => {
    behaviour = (_req, res) => json(res, 200, PRICE_RESULT);
    let connections = 0;
    const count = (): void => { connections += 1; };
    server.server.on('connection', count);
    try {
      const airline = client();
      for (let i = 0; i < 10; i += 1) await airline.call('offer.price', {}, { correlationId: `corr-ka-${i}` });
    } finally {
      server.server.off('connection', count);
    }
    expect(calls).toHaveLength(10);
    // undici may open a second connection while the first is being freed; it then reuses both.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('retries an idempotent command after a 503 and returns the later success', async () => {
    behaviour = (_req, res) => (calls.length === 1 ? json(res, 503, { error: { code: 'BUSY', message: 'busy' } }) : json(res, 200, PRICE_RESULT));
    expect(await client().call('offer.price', {}, { correlationId: 'corr-2' })).toEqual(PRICE_RESULT);
    expect(calls).toHaveLength(2);
  });

  it('gives up with DOWNSTREAM_UNAVAILABLE after the configured retries', async () => {
    behaviour = (_req, res) => json(res, 500, { error: { code: 'INTERNAL_ERROR', message: 'boom' } });
    const error = await failure(client({ retries: 2 }).call('seat.availability', {}, { correlationId: 'corr-3' }));
    expect(error.code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(calls).toHaveLength(3);
  });

  it('does not retry a command that is not idempotent', async () => {
    behaviour = (_req, res) => json(res, 503, {});
    const error = await failure(client().call('order.create', {}, { correlationId: 'corr-4' }));
    expect(error.code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(calls).toHaveLength(1);
  });

  it('does not retry a business refusal and keeps its code and message', async () => {
    behaviour = (_req, res) => json(res, 422, { error: { code: 'OFFER_EXPIRED', message: 'Offer O1 expired at 2027-01-01T00:00:00Z' } });
    const error = await failure(client().call('offer.price', { offerId: 'O1' }, { correlationId: 'corr-5' }));
    expect(error.code).toBe('OFFER_EXPIRED');
    expect(error.message).toBe('Offer O1 expired at 2027-01-01T00:00:00Z');
    expect(calls).toHaveLength(1);
  });

  it('maps a 422 with a code outside the business table to INVALID_BUSINESS_DATA', async () => {
    behaviour = (_req, res) => json(res, 422, { error: { code: 'INTERNAL_ERROR', message: 'odd' } });
    expect((await failure(client().call('offer.price', {}, { correlationId: 'corr-6' }))).code).toBe('INVALID_BUSINESS_DATA');
  });

  it('turns a slow answer into DEADLINE_EXCEEDED without retrying', async () => {
    behaviour = (_req, res) => { setTimeout(() => json(res, 200, { late: true }), 600).unref(); };
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 100 }).call('offer.shop', {}, { correlationId: 'corr-7' }));
    expect(error.code).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(500);
    expect(calls).toHaveLength(1);
  });

  it('caps the attempt by the remaining deadline, and refuses to start after it', async () => {
    behaviour = (_req, res) => { setTimeout(() => json(res, 200, {}), 800).unref(); };
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 5000 }).call('offer.shop', {}, { correlationId: 'corr-8', deadline: Date.now() + 150 }));
    expect(error.code).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(600);
    const late = await failure(client().call('offer.shop', {}, { correlationId: 'corr-9', deadline: Date.now() - 1 }));
    expect(late.code).toBe('DEADLINE_EXCEEDED');
  });

  it('reports a refused connection as DOWNSTREAM_UNAVAILABLE', async () => {
    const port = await closedPort();
    const unreachable = client({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 });
    expect((await failure(unreachable.call('offer.shop', {}, { correlationId: 'corr-10' }))).code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(await unreachable.isReachable()).toBe(false);
  });

  it('opens the breaker after repeated failures and then answers without calling the airline', async () => {
    behaviour = (_req, res) => json(res, 503, {});
    const breaking = client({ retries: 0, breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } });
    for (let i = 0; i < 3; i += 1) await failure(breaking.call('offer.shop', {}, { correlationId: `corr-b${i}` }));
    expect(calls).toHaveLength(3);
    const error = await failure(breaking.call('offer.shop', {}, { correlationId: 'corr-open' }));
    expect(error.code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/circuit open/);
    expect(calls).toHaveLength(3);
  });

  it('lets a trial call through once half-open and closes again on success', async () => {
    behaviour = (_req, res) => json(res, 503, {});
    const breaking = client({ retries: 0, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 150 } });
    for (let i = 0; i < 2; i += 1) await failure(breaking.call('offer.shop', {}, { correlationId: `corr-h${i}` }));
    expect((await failure(breaking.call('offer.shop', {}, { correlationId: 'corr-h-open' }))).message).toMatch(/circuit open/);
    behaviour = (_req, res) => json(res, 200, SHOP_RESULT);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await breaking.call('offer.shop', {}, { correlationId: 'corr-h-trial' })).toEqual(SHOP_RESULT);
    expect(await breaking.call('offer.shop', {}, { correlationId: 'corr-h-after' })).toEqual(SHOP_RESULT);
  });

  it('does not count business refusals towards opening the breaker', async () => {
    behaviour = (_req, res) => json(res, 422, { error: { code: 'NO_AVAILABILITY', message: 'none' } });
    const breaking = client({ retries: 0, breaker: { volumeThreshold: 2, errorThresholdPercentage: 10, resetTimeoutMs: 60_000 } });
    for (let i = 0; i < 5; i += 1) expect((await failure(breaking.call('offer.shop', {}, { correlationId: `corr-r${i}` }))).code).toBe('NO_AVAILABILITY');
    expect(calls).toHaveLength(5);
  });

  it('refuses an answer that breaks the result schema of its command, naming the airline, the command and the fields', async () => {
    const offers = SHOP_RESULT.offers as Record<string, unknown>[];
    const broken = { ...SHOP_RESULT, offers: [{ ...offers[0], totalPrice: 'cheap' }, ...offers.slice(1)], extra: true };
    behaviour = (_req, res) => json(res, 200, broken);
    const error = await failure(client({ designator: 'XR' }).call('offer.shop', {}, { correlationId: 'corr-contract' }));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).toBe('Airline XR answered offer.shop with a result that breaks the airline contract (offer.shop.result.json)');
    expect(error.details.map((d) => d.message)).toEqual(expect.arrayContaining(['/ must NOT have additional properties (extra)', '/offers/0/totalPrice must be object']));
    // Not retried: the airline answered, and asking again would not make the answer fit.
    expect(calls).toHaveLength(1);
  });

  it('checks the inventory answers too, and names the airline by its address when no designator is given', async () => {
    behaviour = (_req, res) => json(res, 200, { orderId: 'O1' });
    const error = await failure(client().call('inventory.release', { orderId: 'O1', requestKey: 'k' }, { correlationId: 'corr-release' }));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).toBe(`Airline at ${new URL(baseUrl).host} answered inventory.release with a result that breaks the airline contract (inventory.release.result.json)`);
    expect(error.details).toEqual([{ message: "/ must have required property 'released'", path: '/' }]);
    behaviour = (_req, res) => json(res, 200, { orderId: 'O1', released: ['OI1'] });
    expect(await client().call('inventory.release', { orderId: 'O1', requestKey: 'k' }, { correlationId: 'corr-release-2' })).toEqual({ orderId: 'O1', released: ['OI1'] });
  });

  it('counts answers that break the contract towards opening the breaker', async () => {
    behaviour = (_req, res) => json(res, 200, { nonsense: true });
    const breaking = client({ retries: 0, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } });
    for (let i = 0; i < 2; i += 1) expect((await failure(breaking.call('offer.price', {}, { correlationId: `corr-n${i}` }))).code).toBe('INTERNAL_ERROR');
    expect((await failure(breaking.call('offer.price', {}, { correlationId: 'corr-n-open' }))).message).toMatch(/circuit open/);
    expect(calls).toHaveLength(2);
  });

  it('does not send a command that is not in the airline contract', async () => {
    const error = await failure(client().call('inventory.teleport', {}, { correlationId: 'corr-unknown' }));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).toMatch(/inventory.teleport is not a command of the airline contract/);
    expect(calls).toHaveLength(0);
  });

  it('checks reachability through the health endpoint', async () => {
    behaviour = (req, res) => (req.url === '/health' ? json(res, 200, { status: 'ok' }) : json(res, 404, {}));
    expect(await client().isReachable()).toBe(true);
    behaviour = (_req, res) => json(res, 503, {});
    expect(await client().isReachable()).toBe(false);
  });
});
